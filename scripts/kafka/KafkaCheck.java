// Smoke test of a local broker with Kafka's own Java clients, run by `scripts/kafka/kafka.sh check`
// as a single-file source program: java -cp '<lib>/*' KafkaCheck.java <bootstrap>
// Creates a topic, commits one transactional record, reads it back read_committed in a consumer
// group, commits the group's offset, then deletes the topic and the group.
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class KafkaCheck {
    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
        String suffix = Long.toString(System.currentTimeMillis());
        String topic = "kafka-sh-check-" + suffix;
        String group = "kafka-sh-check-" + suffix;
        String value = "hello " + suffix;
        long t0 = System.nanoTime();

        Properties common = new Properties();
        common.put("bootstrap.servers", bootstrap);
        common.put("request.timeout.ms", "15000");

        try (Admin admin = Admin.create(common)) {
            String clusterId = admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
            waitForLeader(admin, topic);

            Properties pp = new Properties();
            pp.putAll(common);
            pp.put("transactional.id", "kafka-sh-check-" + suffix);
            pp.put("enable.idempotence", "true");
            pp.put("acks", "all");
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "key", value));
                producer.commitTransaction();
            }

            Properties cp = new Properties();
            cp.putAll(common);
            cp.put("group.id", group);
            cp.put("auto.offset.reset", "earliest");
            cp.put("enable.auto.commit", "false");
            cp.put("isolation.level", "read_committed");
            String got = null;
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                long deadline = System.currentTimeMillis() + 30_000;
                while (got == null && System.currentTimeMillis() < deadline) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                    for (ConsumerRecord<String, String> r : records) {
                        got = r.value();
                        consumer.commitSync(Map.of(new TopicPartition(topic, r.partition()),
                                new OffsetAndMetadata(r.offset() + 1)));
                    }
                }
            }
            if (!value.equals(got)) {
                throw new IllegalStateException("did not read back the committed record (got " + got + ")");
            }
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
            OffsetAndMetadata committed = offsets.get(new TopicPartition(topic, 0));
            if (committed == null || committed.offset() != 1) {
                throw new IllegalStateException("unexpected committed offset " + committed);
            }
            admin.deleteConsumerGroups(List.of(group)).all().get(20, TimeUnit.SECONDS);
            admin.deleteTopics(List.of(topic)).all().get(20, TimeUnit.SECONDS);
            System.out.printf("[kafka] check ok: cluster %s, topic created, transactional record committed, "
                    + "read back read_committed by group, offset committed (%d ms)%n",
                    clusterId, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private static void waitForLeader(Admin admin, String topic) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(10, TimeUnit.SECONDS).get(topic);
                if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (Exception retry) {
                // metadata not propagated yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no leader for " + topic);
    }
}
