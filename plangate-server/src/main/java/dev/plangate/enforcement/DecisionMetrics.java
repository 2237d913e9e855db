package dev.plangate.enforcement;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * This node's enforcement decisions, for Prometheus ({@code /actuator/prometheus}):
 * {@code plangate.decisions} counted by kind, feature, outcome and code, and
 * {@code plangate.decision} timed by kind (docs/operations.md). No customer id is ever a
 * tag; features are the catalog's keys, and a feature the catalog does not know is
 * {@code unknown}, so the number of series stays bounded whatever callers send. Meters
 * are made once per combination and kept, so a decision only looks its counter up. The
 * same decisions are counted per minute in {@link DecisionCounts}, for the platform's
 * figures across nodes ({@code GET /v1/admin/stats/decisions}).
 */
@Component
class DecisionMetrics {

	/** What was decided. */
	enum Kind {

		/** A check of a switch, setting or quota feature: changes nothing. */
		CHECK("check"),
		/** A consume of a switch, setting or quota feature. */
		CONSUME("consume"),
		/** A check or consume of a rate feature. */
		RATE_LIMIT("rate_limit"),
		/** Taking a slot of a concurrency feature. */
		LEASE("lease");

		private final String tag;

		Kind(String tag) {
			this.tag = tag;
		}

	}

	static final String UNKNOWN_FEATURE = "unknown";

	private record Key(Kind kind, String feature, String outcome, String code) {
	}

	private final MeterRegistry registry;

	private final CatalogService catalog;

	private final Map<Kind, Timer> timers = new EnumMap<>(Kind.class);

	private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

	private final Counter storeErrorsOpen;

	private final Counter storeErrorsClosed;

	private final DecisionCounts counts;

	DecisionMetrics(MeterRegistry registry, CatalogService catalog, DecisionCounts counts) {
		this.registry = registry;
		this.catalog = catalog;
		this.counts = counts;
		for (var kind : Kind.values()) {
			timers.put(kind,
					Timer.builder("plangate.decision")
						.description("Time to decide, from the request reaching the decision to its answer")
						.tag("kind", kind.tag)
						.publishPercentileHistogram()
						.register(registry));
		}
		this.storeErrorsOpen = storeErrors(registry, "open");
		this.storeErrorsClosed = storeErrors(registry, "closed");
	}

	private static Counter storeErrors(MeterRegistry registry, String fallback) {
		return Counter.builder("plangate.ratelimit.store.errors")
			.description("Rate decisions the rate-limit store could not make; fallback open: allowed, closed: 503")
			.tag("fallback", fallback)
			.register(registry);
	}

	/** A check or consume reached its verdict, {@code startNanos} after it began. */
	void decided(boolean consume, Verdict verdict, long startNanos) {
		String outcome = !verdict.allowed() ? "refused" : verdict.overage() ? "overage" : "allowed";
		String code = verdict.code() == null ? "none" : verdict.code();
		count(kindOf(consume, verdict.kind()), verdict.feature(), outcome, code, startNanos);
	}

	/**
	 * A check or consume ended in an exception: a refusal the caller gets as a problem
	 * (an unknown customer or feature, a feature of another kind), or no decision at all
	 * (the ledger or rate-limit store unavailable, an unexpected failure).
	 */
	void failed(boolean consume, String featureKey, RuntimeException failure, long startNanos) {
		var feature = catalog.featuresByKey().get(featureKey);
		failed(kindOf(consume, feature == null ? "" : feature.kind().id()), featureKey, failure, startNanos);
	}

	/** A lease was taken. */
	void leaseTaken(String featureKey, long startNanos) {
		count(Kind.LEASE, featureKey, "allowed", "none", startNanos);
	}

	/** Taking a lease was refused, or failed. */
	void leaseFailed(String featureKey, RuntimeException failure, long startNanos) {
		failed(Kind.LEASE, featureKey, failure, startNanos);
	}

	/** The rate-limit store failed a decision; {@code open}: it was allowed anyway. */
	void storeFailed(boolean open) {
		(open ? storeErrorsOpen : storeErrorsClosed).increment();
	}

	private static Kind kindOf(boolean consume, String featureKind) {
		if (FeatureKind.RATE.id().equals(featureKind)) {
			return Kind.RATE_LIMIT;
		}
		return consume ? Kind.CONSUME : Kind.CHECK;
	}

	private void failed(Kind kind, String featureKey, RuntimeException failure, long startNanos) {
		var code = failure instanceof PlangateException problem ? problem.code() : ErrorCode.INTERNAL;
		String outcome = code.status().is5xxServerError() ? "error" : "refused";
		count(kind, featureTag(featureKey, code), outcome, code.code(), startNanos);
	}

	private String featureTag(String featureKey, ErrorCode code) {
		return code == ErrorCode.UNKNOWN_FEATURE || !catalog.featuresByKey().containsKey(featureKey) ? UNKNOWN_FEATURE
				: featureKey;
	}

	private void count(Kind kind, String feature, String outcome, String code, long startNanos) {
		timers.get(kind).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
		counters
			.computeIfAbsent(new Key(kind, feature, outcome, code),
					key -> Counter.builder("plangate.decisions")
						.description("Enforcement decisions by kind, feature, outcome and code")
						.tag("kind", key.kind().tag)
						.tag("feature", key.feature())
						.tag("outcome", key.outcome())
						.tag("code", key.code())
						.register(registry))
			.increment();
		counts.add(feature, outcome, code);
	}

}
