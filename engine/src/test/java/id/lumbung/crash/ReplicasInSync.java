package id.lumbung.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Waits until every partition of every topic, the internal ones included (transaction state,
 * group offsets), has all its replicas in sync: {@code ops/cluster-crash-loop} runs it after a killed
 * broker is started again, so that the next kill never finds a partition one broker short of
 * {@code min.insync.replicas}. Prints {@code in_sync_ms=N}; exits 1 with the partitions still
 * short if the timeout passes.
 *
 * <p>The brokers must report {@code CLUSTER_ID}: a broker that could not bind its port dies, and
 * whatever else listens there (another run's brokers) would answer instead.
 *
 * <p>Usage: {@code java -cp engine/target/test-classes:engine/target/lumbung.jar
 * id.lumbung.crash.ReplicasInSync BOOTSTRAP CLUSTER_ID TIMEOUT_MS}.
 */
final class ReplicasInSync {
    private static final long POLL_MS = 250;
    private static final long REQUEST_TIMEOUT_MS = 5_000;

    private ReplicasInSync() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ReplicasInSync BOOTSTRAP CLUSTER_ID TIMEOUT_MS");
            System.exit(2);
        }
        long startNs = System.nanoTime();
        long deadline = startNs + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
        List<String> behind = List.of("no answer from the brokers");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
                AdminClientConfig.CLIENT_ID_CONFIG, "cluster-crash-loop-in-sync",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT_MS))) {
            while (System.nanoTime() < deadline) {
                try {
                    String cluster = admin.describeCluster().clusterId().get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    if (!args[1].equals(cluster)) {
                        System.out.println("in_sync_ms=-1 the brokers at " + args[0] + " are cluster " + cluster
                                + ", not " + args[1]);
                        System.exit(1);
                    }
                    behind = underReplicated(admin);
                    if (behind.isEmpty()) {
                        System.out.println("in_sync_ms=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
                        System.exit(0);
                    }
                } catch (ExecutionException | TimeoutException e) {
                    behind = List.of(e.toString());
                }
                Thread.sleep(POLL_MS);
            }
        }
        System.out.println("in_sync_ms=-1 short=" + behind);
        System.exit(1);
    }

    /** topic-partition names whose in-sync replicas are fewer than their replicas. */
    private static List<String> underReplicated(Admin admin) throws Exception {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                .get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        List<String> out = new ArrayList<>();
        for (TopicDescription d : described.values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.isr().size() < p.replicas().size()) {
                    out.add(d.name() + "-" + p.partition());
                }
            }
        }
        return out;
    }
}
