import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ConfigViewUpdater } from '@postback/config-view';
import type { KafkaBatch } from '@postback/kafka';
import { PATTERNS } from '../patterns';

/** Feeds the config topic into the in-memory trigger index. */
@Controller()
export class ConfigConsumer {
  constructor(private readonly updater: ConfigViewUpdater) {}

  @EventPattern(PATTERNS.config)
  handle(@Payload() batch: KafkaBatch): void {
    this.updater.apply(batch.messages);
  }
}
