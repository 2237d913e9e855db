package dev.plangate.enforcement;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.plangate.catalog.FeatureKind;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/**
 * Concurrency caps: a customer holds at most its limit of leases of a feature at once.
 * Taking a slot happens under a per-customer-and-feature row lock shared by every node,
 * after the slots of expired leases are freed, so a crashed holder never keeps a slot
 * past its lease's expiry.
 */
@Service
public class LeaseService {

	/** How long a lease lasts without a heartbeat, when the caller does not say. */
	public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);

	private final LeaseRepository repository;

	private final EnforcementService enforcement;

	private final Clock clock;

	private final DecisionMetrics metrics;

	LeaseService(LeaseRepository repository, EnforcementService enforcement, Clock clock, DecisionMetrics metrics) {
		this.metrics = metrics;
		this.repository = repository;
		this.enforcement = enforcement;
		this.clock = clock;
	}

	/**
	 * A lease taken, with how many the customer holds now and its limit (absent:
	 * unlimited).
	 */
	public record Acquired(Lease lease, int held, @Nullable Long limit) {
	}

	/**
	 * Takes a slot.
	 * @throws PlangateException {@code concurrency_limit_reached} (429, with
	 * {@code Retry-After}: when the soonest lease expires) or the refusals of check and
	 * consume
	 */
	@Transactional
	public Acquired acquire(String customerId, String featureKey, Duration ttl) {
		long start = System.nanoTime();
		Acquired acquired;
		try {
			acquired = take(customerId, featureKey, ttl);
		}
		catch (RuntimeException ex) {
			metrics.leaseFailed(featureKey, ex, start);
			throw ex;
		}
		metrics.leaseTaken(featureKey, start);
		return acquired;
	}

	private Acquired take(String customerId, String featureKey, Duration ttl) {
		var gate = enforcement.gate(customerId, featureKey, 1, Set.of(FeatureKind.CONCURRENCY),
				"leases are taken of concurrency features");
		if (gate.refusal() != null) {
			throw enforcement.problem(gate.refusal());
		}
		var value = Objects.requireNonNull(gate.entitlement()).value();
		var now = clock.instant();
		repository.lockSlots(customerId, featureKey);
		repository.deleteExpired(customerId, featureKey, now);
		var held = repository.active(customerId, featureKey, now);
		Long limit = value.unlimited() ? null : value.limit();
		if (limit != null && held.size() >= limit) {
			long retryAfter = Math.max(1,
					(long) Math.ceil(Duration.between(now, held.get(0).expiresAt()).toMillis() / 1000.0));
			throw new PlangateException(ErrorCode.CONCURRENCY_LIMIT_REACHED,
					"Customer '" + customerId + "' holds " + held.size() + " of " + limit + " '" + featureKey
							+ "' slots; release one or wait for one to expire")
				.with("customerId", customerId)
				.with("feature", featureKey)
				.with("limit", limit)
				.with("held", held.size())
				.with("retryAfter", retryAfter)
				.withHeader("Retry-After", String.valueOf(retryAfter))
				.withHeader("RateLimit-Policy", "\"" + featureKey + "\";q=" + limit)
				.withHeader("RateLimit", "\"" + featureKey + "\";r=0;t=" + retryAfter);
		}
		var lease = new Lease(UUID.randomUUID(), customerId, featureKey, now, now.plus(ttl));
		repository.insert(lease);
		return new Acquired(lease, held.size() + 1, limit);
	}

	/** Extends a lease that is still held by {@code ttl} from now. */
	@Transactional
	public Lease heartbeat(UUID id, Duration ttl) {
		var now = clock.instant();
		var lease = repository.findActive(id, now).orElseThrow(() -> notFound(id));
		var expiresAt = now.plus(ttl);
		if (!repository.extend(id, now, expiresAt)) {
			throw notFound(id);
		}
		return new Lease(lease.id(), lease.customerId(), lease.feature(), lease.acquiredAt(), expiresAt);
	}

	/** Gives a slot back. */
	@Transactional
	public void release(UUID id) {
		if (!repository.delete(id, clock.instant())) {
			throw notFound(id);
		}
	}

	/** The leases a customer holds now, of every feature, oldest first in each. */
	public List<Lease> held(String customerId) {
		return repository.activeOf(customerId, clock.instant());
	}

	private static PlangateException notFound(UUID id) {
		return PlangateException.notFound(ErrorCode.LEASE_NOT_FOUND, "Lease", id.toString());
	}

}
