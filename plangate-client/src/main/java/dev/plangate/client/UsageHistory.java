package dev.plangate.client;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A customer's usage over time: per feature, the amount and number of events of each
 * hour, day or month (UTC) from {@code from} to {@code to}, buckets without usage
 * included as zeros.
 *
 * @param granularity {@code hour}, {@code day} or {@code month}
 * @param from the start of the first bucket
 * @param to the end of the last bucket (exclusive)
 */
public record UsageHistory(String customerId, String granularity, Instant from, Instant to, List<Series> series) {

	/**
	 * One feature's usage.
	 *
	 * @param amount the sum of its buckets' amounts
	 * @param events the sum of its buckets' events
	 * @param peak the bucket with the largest amount; absent when none has usage
	 */
	public record Series(String feature, @Nullable String unit, long amount, long events, @Nullable Bucket peak,
			List<Bucket> buckets) {
	}

	/** One bucket: it starts at {@code start} and ends where the next one starts. */
	public record Bucket(Instant start, long amount, long events) {
	}

}
