import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AttemptErrorDto, AttemptRequestDto, AttemptResponseDto } from '../deliveries/delivery.dto';

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
}
