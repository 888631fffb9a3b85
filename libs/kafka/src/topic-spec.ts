/** How a topic should be created. Names come from libs/contracts; this is the layout. */
export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Extra topic configs, e.g. cleanup.policy=compact. */
  config?: Record<string, string>;
}
