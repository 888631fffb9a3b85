import { ApiProperty } from '@nestjs/swagger';
import { DeliveryObjectiveDto } from '../customers/customer.dto';

export class SlaWindowDto {
  @ApiProperty({ format: 'date-time', example: '2026-05-06T14:00:00.000Z', description: 'Start of the window (deliveries whose first attempt is in it)' })
  from!: string;
  @ApiProperty({ format: 'date-time', example: '2026-05-06T15:00:00.000Z', description: 'End of the window' }) to!: string;
  @ApiProperty({ example: 1200, description: 'Deliveries decided: delivered, failed, or still retrying past the deadline' }) decided!: number;
  @ApiProperty({ example: 1194, description: 'Delivered within the deadline' }) withinObjective!: number;
  @ApiProperty({ example: 4, description: 'Delivered after the deadline, or still retrying past it' }) late!: number;
  @ApiProperty({ example: 2, description: 'Failed for good (dead letters)' }) failed!: number;
  @ApiProperty({ example: 15, description: 'Still retrying, before the deadline: not decided yet, not counted' }) pending!: number;
  @ApiProperty({ nullable: true, type: Number, example: 99.5, description: 'withinObjective / decided, in percent; null when nothing was decided' })
  compliancePercent!: number | null;
  @ApiProperty({ example: true, description: 'The objective is met (true when nothing was decided)' }) met!: boolean;
}

export class SlaMissDto {
  @ApiProperty({ example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' }) deliveryId!: string;
  @ApiProperty({ example: 'trg_2m9x1c4v7b6n5q0z8f3k' }) triggerId!: string;
  @ApiProperty({ example: 'order.shipped' }) eventType!: string;
  @ApiProperty({ example: 'ORD-10042' }) orderId!: string;
  @ApiProperty({ enum: ['delivered', 'failed', 'retrying'], example: 'delivered', description: 'Its status now' }) status!: string;
  @ApiProperty({ format: 'date-time', example: '2026-05-06T14:12:09.114Z' }) firstAttemptAt!: string;
  @ApiProperty({ nullable: true, type: Number, example: 75_300, description: 'Event to successful attempt, in milliseconds; null when not delivered' })
  endToEndMs!: number | null;
}

export class SlaReportDto {
  @ApiProperty({ example: 'cus_nordic_apparel' }) customerId!: string;
  @ApiProperty({ type: DeliveryObjectiveDto, description: 'The objective measured' }) objective!: DeliveryObjectiveDto;
  @ApiProperty({ type: SlaWindowDto, description: 'The rolling window that ends now' }) current!: SlaWindowDto;
  @ApiProperty({
    type: [SlaWindowDto],
    description: 'Earlier windows of the same length (the last 24, back to back) that missed the objective, newest first',
  })
  breaches!: SlaWindowDto[];
  @ApiProperty({ type: [SlaMissDto], description: 'Deliveries of the current window that missed the deadline or failed, newest first (at most 20)' })
  missed!: SlaMissDto[];
}
