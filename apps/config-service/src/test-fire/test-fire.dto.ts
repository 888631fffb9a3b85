import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TestFireResultDto {
  @ApiProperty({ description: 'webhook-id of the test delivery; it is in the delivery log too', example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' })
  deliveryId!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty({ enum: ['delivered', 'failed', 'skipped', 'pending'], description: 'pending: no outcome within the wait' }) outcome!: string;
  @ApiProperty({ description: 'Whether this test lets the trigger be activated (delivered, and of the current configuration)' }) passed!: boolean;
  @ApiPropertyOptional({ description: 'url, method, headers (signature included) and body as sent' }) request?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'status, headers and the start of the body of the answer' }) response?: Record<string, unknown>;
  @ApiPropertyOptional() durationMs?: number;
  @ApiPropertyOptional({ description: 'code and message when it failed' }) error?: { code: string; message: string };
}
