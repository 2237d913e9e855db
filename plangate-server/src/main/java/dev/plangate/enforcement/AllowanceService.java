package dev.plangate.enforcement;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.metering.GrantService;
import dev.plangate.metering.MeteringService;
import dev.plangate.metering.Period;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;

/**
 * Allowance blocks: a client reserves part of a customer's quota at once and spends it in
 * its own process, without a round trip per use. A block is admitted by the ledger like a
 * consume (decided against the period's total under the lock every node shares, and
 * recorded before the answer), so it counts as used before any unit of it is spent: no
 * number of clients and nodes can spend more than the quota. What a client leaves unspent
 * goes back to the quota when it returns the block, once, while the block lives; a block
 * never returned stays used.
 * <p>
 * Blocks are cut from the plan's (or override's) allowance only: grants and a soft
 * limit's overage are left to consume, so that giving units back never has to undo a
 * grant's draw or a billed overage.
 */
@Service
class AllowanceService {

	/** How long a block lives when the request does not say. */
	static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

	/**
	 * How often a reservation reads the total again when a consume on another node took
	 * what it was about to take.
	 */
	private static final int ATTEMPTS = 5;

	private final EnforcementService enforcement;

	private final MeteringService metering;

	private final GrantService grants;

	private final CatalogService catalog;

	private final AllowanceRepository repository;

	private final Clock clock;

	AllowanceService(EnforcementService enforcement, MeteringService metering, GrantService grants,
			CatalogService catalog, AllowanceRepository repository, Clock clock) {
		this.enforcement = enforcement;
		this.metering = metering;
		this.grants = grants;
		this.catalog = catalog;
		this.repository = repository;
		this.clock = clock;
	}

	/**
	 * A reserved block and the period's figures right after it.
	 *
	 * @param limit the allowance; absent when unlimited
	 * @param remaining what is left of the allowance after the block; absent when
	 * unlimited
	 * @param resetsAt when the period ends; absent for a lifetime quota
	 */
	record Reserved(Allowance allowance, @Nullable Long limit, long used, @Nullable Long remaining,
			@Nullable Instant resetsAt) {
	}

	/** What giving a block back did. */
	record Returned(Allowance allowance, boolean duplicate) {
	}

	/**
	 * Reserves up to {@code wanted} units: as many as the allowance has left, at least
	 * one.
	 * @throws PlangateException refused as a consume would be ({@code quota_exceeded}
	 * when nothing is left, with the limit, usage, reset and the plan that would allow
	 * more)
	 */
	Reserved reserve(String customerId, String featureKey, long wanted, Duration ttl) {
		var gate = enforcement.gate(customerId, featureKey, wanted, Set.of(FeatureKind.QUOTA),
				"allowance blocks are cut from quotas; consume decides the other kinds");
		if (gate.refusal() != null) {
			throw enforcement.problem(gate.refusal());
		}
		var feature = gate.feature();
		var entitlement = Objects.requireNonNull(gate.entitlement());
		var value = entitlement.value();
		var billing = new Period(entitlement.subscription().currentPeriodStart(),
				entitlement.subscription().currentPeriodEnd());
		var period = metering.currentPeriod(feature, billing);
		long limit = value.unlimited() ? Long.MAX_VALUE : value.limit() == null ? 0 : value.limit();
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			long used = metering.used(customerId, featureKey, period);
			long remaining = limit == Long.MAX_VALUE ? Long.MAX_VALUE : limit - used;
			if (remaining <= 0) {
				throw enforcement
					.problem(
							EnforcementService.withGrants(
									enforcement.refused(ErrorCode.QUOTA_EXCEEDED, customerId, feature, wanted, value,
											used, period, entitlement.plan().key()),
									grants.left(customerId, featureKey)));
			}
			long granted = Math.min(wanted, remaining);
			var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
			var expires = now.plus(ttl);
			if (period.end() != null && period.end().isBefore(expires)) {
				expires = period.end();
			}
			var block = new Allowance(UUID.randomUUID(), customerId, featureKey, period.start(), granted, now, expires,
					null, null, null);
			var decision = metering.consume(customerId, block.eventId(), feature, granted, limit, null, period,
					Map.of());
			if (decision.admitted()) {
				repository.insert(block);
				Long shownLimit = value.unlimited() ? null : limit;
				return new Reserved(block, shownLimit, decision.used(),
						shownLimit == null ? null : Math.max(0, shownLimit - decision.used()), period.end());
			}
			// a consume (on any node) took part of what was left since it was read: read
			// again
		}
		throw new PlangateException(ErrorCode.LEDGER_BUSY,
				"Consumes of '" + featureKey + "' kept taking what was left; retry shortly")
			.with("retryAfter", 1);
	}

	/**
	 * Gives a block's unspent units back, once. While the block lives they go back to its
	 * period; after it expired (or its period ended) nothing changes and the block stays
	 * used. The same return again answers the first; another amount is refused.
	 */
	Returned giveBack(String customerId, UUID id, long unspent) {
		var block = repository.find(customerId, id)
			.orElseThrow(() -> new PlangateException(ErrorCode.ALLOWANCE_NOT_FOUND,
					"Customer '" + customerId + "' has no allowance block " + id));
		if (unspent > block.granted()) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST,
					"Block " + id + " granted " + block.granted() + "; " + unspent + " cannot be unspent",
					List.of(new FieldError("unspent", "must be at most the " + block.granted() + " granted")));
		}
		if (block.returned() == null) {
			var now = clock.instant();
			// a block of a period that has ended (its expiry, or a new billing period)
			// stays used
			boolean live = now.isBefore(block.expiresAt())
					&& metering.usage(customerId, catalog.requestedFeature(block.feature()))
						.period()
						.start()
						.equals(block.periodStart());
			long back = live ? unspent : 0;
			if (repository.markReturned(id, unspent, back, now)) {
				var returned = new Allowance(block.id(), block.customerId(), block.feature(), block.periodStart(),
						block.granted(), block.reservedAt(), block.expiresAt(), unspent, back, now);
				record(returned);
				return new Returned(returned, false);
			}
			block = repository.find(customerId, id).orElseThrow();
		}
		if (!Objects.equals(block.unspent(), unspent)) {
			throw new PlangateException(ErrorCode.ALLOWANCE_RETURNED,
					"Block " + id + " was given back already, with " + block.unspent()
							+ " unspent; it is given back once")
				.with("unspent", block.unspent())
				.with("returned", block.returned());
		}
		// a retry after a failure between marking the block and the ledger's answer
		// records the units now; the ledger keeps one event per id
		record(block);
		return new Returned(block, true);
	}

	private void record(Allowance block) {
		long back = block.returned() == null ? 0 : block.returned();
		if (back > 0) {
			metering.giveBack(block.customerId(), block.returnEventId(), catalog.requestedFeature(block.feature()),
					back, block.periodStart());
		}
	}

}
