package id.lumbung.kafka;

/**
 * The Kafka journal cannot start, or cannot start serving a partition: no broker answers, the topic
 * is configured unlike the journal needs, a partition's producer cannot be initialised or its
 * replay cannot finish. The message is written for an operator (what was found, what is configured,
 * which setting to change); the command line prints it and exits non-zero.
 */
public final class KafkaStartException extends Exception {
    private static final long serialVersionUID = 1L;

    public KafkaStartException(String message) {
        super(message);
    }

    public KafkaStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
