import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiStandardErrors } from '../common/api-docs';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Page } from '../common/pagination.dto';
import { CreateCustomerDto, CustomerDto, ListCustomersQueryDto, UpdateCustomerDto } from './customer.dto';
import { CustomersService } from './customers.service';

@ApiTags('customers')
@ApiStandardErrors()
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @ApiCreatedResponse({ type: CustomerDto })
  async create(@Body() body: CreateCustomerDto): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.create(body));
  }

  @Get()
  async list(@Query() query: ListCustomersQueryDto): Promise<Page<CustomerDto>> {
    const page = await this.customers.list(query);
    return { ...page, items: page.items.map((c) => CustomerDto.from(c)) };
  }

  @Get(':customerId')
  @ApiOkResponse({ type: CustomerDto })
  async get(@Param('customerId') id: string): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.get(id));
  }

  @Patch(':customerId')
  @ApiOkResponse({ type: CustomerDto })
  async update(@Param('customerId') id: string, @Body() body: UpdateCustomerDto): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.update(id, body));
  }

  @Delete(':customerId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@Param('customerId') id: string): Promise<void> {
    await this.customers.delete(id);
  }
}
