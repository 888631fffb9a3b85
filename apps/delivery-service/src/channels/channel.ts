import type { OrderEvent, TriggerSnapshot } from '@postback/contracts';

/** What a channel is asked to send: the rendered payload of one attempt. */
export interface ChannelRequest {
  deliveryId: string;
  attempt: number;
  test: boolean;
  trigger: TriggerSnapshot;
  event: OrderEvent;
  body: string;
  contentType: string;
  /** Signing secrets, newest first. */
  secrets: string[];
  /** Overrides the trigger's timeout. */
  timeoutMs?: number;
  /** Email: the rendered subject template. */
  subject?: string;
}

export interface RequestSummary {
  url: string;
  method: string;
  bytes: number;
  /** The headers sent (signature included). */
  headers?: Record<string, string>;
}

/** What came back: a response (any status), or an error before one arrived. */
export type ChannelResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; bodyExcerpt: string; durationMs: number; request: RequestSummary }
  | { kind: 'error'; code: string; message: string; durationMs: number; request: RequestSummary };

/** A way of delivering a postback (HTTP now; email follows). */
export interface DeliveryChannel {
  readonly name: 'http' | 'email';
  send(request: ChannelRequest): Promise<ChannelResult>;
  /** Closes its connections (on shutdown). */
  close(): void;
}
