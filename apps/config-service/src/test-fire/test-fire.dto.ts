import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AttemptErrorDto, AttemptRequestDto, AttemptResponseDto } from '../deliveries/delivery.dto';

export class FixtureCheckDto {
  @ApiProperty({ example: '$.order.id', description: 'The JSON path checked' }) path!: string;
  @ApiProperty({ example: 'equals "ord_7Q2M9K4XHB"', description: 'What was expected there' }) expectation!: string;
  @ApiProperty({ example: true }) passed!: boolean;
  @ApiProperty({ example: 'is "ord_1", expected "ord_7Q2M9K4XHB"', description: 'What was found' }) message!: string;
}

export class FixtureResultDto {
  @ApiProperty({ example: 'fix_3k9x1c4v7b6n5q0z8f2m' }) fixtureId!: string;
  @ApiProperty({ example: 'Shipped, two parcels' }) name!: string;
  @ApiProperty({ example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', description: 'Its test delivery, in the delivery log' }) deliveryId!: string;
  @ApiProperty({ enum: ['delivered', 'failed', 'skipped', 'pending'] }) outcome!: string;
  @ApiProperty({ description: 'The answer and every check as expected', example: true }) passed!: boolean;
  @ApiPropertyOptional({ type: 'integer', example: 200, description: 'The status that came back' }) status?: number;
  @ApiPropertyOptional({ type: 'integer', example: 422, description: 'The status the fixture expects (otherwise any delivered answer)' }) expectStatus?: number;
  @ApiPropertyOptional({ type: () => AttemptErrorDto, description: 'code and message when it failed' }) error?: AttemptErrorDto;
  @ApiProperty({ type: () => FixtureCheckDto, isArray: true, description: 'Each expectation on the payload sent' }) checks!: FixtureCheckDto[];
}

export class TestFireResultDto {
  @ApiProperty({ description: 'webhook-id of the test delivery; it is in the delivery log too', example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' })
  deliveryId!: string;
  @ApiProperty({ description: 'Id of the test event sent', example: 'evt_test_0b6c5d7e-4f2a-4b7e-9a51-1f3c2d9e8a10' }) eventId!: string;
  @ApiProperty({ enum: ['delivered', 'failed', 'skipped', 'pending'], description: 'pending: no outcome within the wait' }) outcome!: string;
  @ApiProperty({ description: 'Whether this test lets the trigger be activated (delivered, and of the current configuration)', example: true })
  passed!: boolean;
  @ApiPropertyOptional({ type: () => AttemptRequestDto, description: 'url, method, headers (signature included) and body as sent' })
  request?: AttemptRequestDto;
  @ApiPropertyOptional({ type: () => AttemptResponseDto, description: 'status, headers and the start of the body of the answer' })
  response?: AttemptResponseDto;
  @ApiPropertyOptional({ example: 182.4, description: 'How long the attempt took, in ms' }) durationMs?: number;
  @ApiPropertyOptional({ type: () => AttemptErrorDto, description: 'code and message when it failed' }) error?: AttemptErrorDto;
  @ApiPropertyOptional({
    type: () => FixtureResultDto,
    isArray: true,
    description: "With fixtures: each one's result; the fields above are the first that failed (or the first)",
  })
  fixtures?: FixtureResultDto[];
}
