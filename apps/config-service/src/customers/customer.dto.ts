import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import type { CustomerEntity } from './customer.entity';

export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

export class CreateCustomerDto {
  @ApiPropertyOptional({
    description: 'The id the order platform uses for this customer: order events carry it as `customerId`. Generated when omitted.',
    example: 'cus_nordic_apparel',
  })
  @IsOptional()
  @IsString()
  @Matches(CUSTOMER_ID_PATTERN, { message: 'id must be 1-100 characters of letters, digits, ".", "_", ":" or "-", starting with a letter or digit' })
  id?: string;

  @ApiProperty({ example: 'Nordic Apparel AB' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ description: 'Reference in another system (CRM, ERP)', example: 'ERP-100482' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  externalRef?: string;

  @ApiPropertyOptional({ example: 'integrations@nordic-apparel.example' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  contactEmail?: string;
}

export class UpdateCustomerDto extends PartialType(OmitType(CreateCustomerDto, ['id'] as const)) {}

export class ListCustomersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Matches id, name or external reference (substring)', example: 'nordic' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class CustomerDto {
  @ApiProperty({ example: 'cus_nordic_apparel', description: 'The id order events carry as `customerId`' }) id!: string;
  @ApiProperty({ example: 'Nordic Apparel AB' }) name!: string;
  @ApiProperty({ nullable: true, example: 'ERP-100482', type: String, description: 'Reference in another system (CRM, ERP)' }) externalRef!: string | null;
  @ApiProperty({ nullable: true, example: 'integrations@nordic-apparel.example', type: String }) contactEmail!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-05-04T09:12:44.120Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-05-06T15:30:02.511Z' }) updatedAt!: string;

  static from(e: CustomerEntity): CustomerDto {
    return {
      id: e.id,
      name: e.name,
      externalRef: e.externalRef,
      contactEmail: e.contactEmail,
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    };
  }
}
