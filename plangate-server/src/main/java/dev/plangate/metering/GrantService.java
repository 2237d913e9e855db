package dev.plangate.metering;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.plangate.audit.AuditLog;
import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.catalog.PlanView;
import dev.plangate.catalog.ResetPeriod;
import dev.plangate.customer.CustomerService;
import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.PlangateException;

/**
 * Grants: extra amounts of a quota for one customer (credits, an emergency pool). The
 * ledger draws on them once the plan's allowance for the period is spent; see
 * {@link GrantDraws}.
 */
@Service
public class GrantService {

	/**
	 * The event of a grant that consumes drew down to nothing, told by the ledger in the
	 * transaction of the draw that spent it.
	 */
	static final String EXHAUSTED = "grant.exhausted";

	private final GrantRepository repository;

	private final CustomerService customers;

	private final CatalogService catalog;

	private final AuditLog auditLog;

	private final Clock clock;

	private final ObjectProvider<GrantPayments> payments;

	private final ApplicationEventPublisher events;

	GrantService(GrantRepository repository, CustomerService customers, CatalogService catalog, AuditLog auditLog,
			Clock clock, ObjectProvider<GrantPayments> payments, ApplicationEventPublisher events) {
		this.payments = payments;
		this.events = events;
		this.repository = repository;
		this.customers = customers;
		this.catalog = catalog;
		this.auditLog = auditLog;
		this.clock = clock;
	}

	/**
	 * Gives a customer an extra amount of a per-period quota.
	 * @param startsAt when it may first be drawn on; now when absent
	 * @param expiresAt when what remains is forfeited; never when absent
	 */
	@Transactional
	public Grant create(String customerId, String featureKey, long amount, @Nullable String reason,
			@Nullable Instant startsAt, @Nullable Instant expiresAt) {
		return create(customerId, featureKey, amount, reason, startsAt, expiresAt, null, null);
	}

	/**
	 * Gives a customer an extra amount of a per-period quota, for a price when one is
	 * given: charged once through {@link GrantPayments}; an {@code immediate} payment
	 * (the default) leaves the grant awaiting it, a {@code deferred} one bills it later
	 * and the grant may be drawn on at once.
	 */
	@Transactional
	public Grant create(String customerId, String featureKey, long amount, @Nullable String reason,
			@Nullable Instant startsAt, @Nullable Instant expiresAt, PlanView.@Nullable Price price,
			@Nullable String payment) {
		customers.getUndeleted(customerId);
		var feature = catalog.requestedFeature(featureKey);
		if (feature.kind() != FeatureKind.QUOTA || feature.period() == ResetPeriod.LIFETIME) {
			String why = feature.kind() != FeatureKind.QUOTA
					? "is a " + feature.kind().id() + " feature; grants add to quotas"
					: "is a lifetime quota, a count that can go down; raise its limit with an override instead";
			throw new PlangateException(ErrorCode.INVALID_GRANT, "'" + featureKey + "' " + why,
					List.of(new FieldError("feature", why)))
				.with("feature", featureKey);
		}
		var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
		var starts = startsAt == null ? now : startsAt.truncatedTo(ChronoUnit.MICROS);
		if (expiresAt != null && !expiresAt.isAfter(starts.isAfter(now) ? starts : now)) {
			String after = starts.isAfter(now) ? "startsAt" : "now";
			throw new PlangateException(ErrorCode.INVALID_GRANT, "A grant must expire after " + after,
					List.of(new FieldError("expiresAt", "must be after " + after)));
		}
		if (price == null && payment != null) {
			throw new PlangateException(ErrorCode.INVALID_GRANT, "Only a priced grant has a payment",
					List.of(new FieldError("payment", "needs a price")));
		}
		String paidBy = price == null ? null : payment == null ? "immediate" : payment;
		var grant = new Grant(UUID.randomUUID(), customerId, featureKey, amount, amount, reason, starts,
				expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS), Actor.current().name(), now, null,
				price, paidBy, false);
		if (price != null) {
			var payer = payments.getIfAvailable();
			if (payer == null) {
				throw new PlangateException(ErrorCode.INVALID_GRANT, "This server takes no payment for grants",
						List.of(new FieldError("price", "cannot be charged here")));
			}
			boolean awaiting = payer.charge(grant);
			grant = new Grant(grant.id(), customerId, featureKey, amount, amount, reason, grant.startsAt(),
					grant.expiresAt(), grant.createdBy(), now, null, price, paidBy, awaiting);
		}
		repository.insert(grant);
		auditLog.record("grant.created", "customer", customerId, null, grant);
		announce("grant.created", grant);
		return grant;
	}

	/**
	 * Lets a grant that awaited its payment be drawn on, once the payment arrived.
	 * @return false when it was not awaiting one
	 */
	@Transactional
	public boolean paid(UUID id) {
		var before = repository.find(id);
		if (before.isEmpty() || !repository.paid(id)) {
			return false;
		}
		var after = repository.find(id).orElseThrow();
		auditLog.record("grant.paid", "customer", after.customerId(), before.get(), after);
		announce("grant.paid", after);
		return true;
	}

	/** A customer's grants, newest first: of one feature, or of all when it is absent. */
	public List<Grant> list(String customerId, @Nullable String featureKey) {
		customers.get(customerId);
		return repository.list(customerId, featureKey == null ? "" : featureKey);
	}

	public Grant get(String customerId, UUID id) {
		customers.get(customerId);
		return repository.find(customerId, id).orElseThrow(() -> notFound(customerId, id));
	}

	/** Ends a grant: what remains of it can no longer be drawn. */
	@Transactional
	public Grant revoke(String customerId, UUID id) {
		var before = get(customerId, id);
		// the update decides, so that of two revocations at once exactly one wins
		if (!repository.revoke(id, clock.instant())) {
			var revokedAt = repository.find(customerId, id).orElseThrow().revokedAt();
			throw new PlangateException(ErrorCode.GRANT_REVOKED, "Grant " + id + " was revoked at " + revokedAt)
				.with("id", id.toString());
		}
		var after = repository.find(customerId, id).orElseThrow();
		auditLog.record("grant.revoked", "customer", customerId, before, after);
		announce("grant.revoked", after);
		return after;
	}

	/**
	 * What the customer's active grants of a feature hold now; absent when it has none.
	 */
	public @Nullable Long left(String customerId, String featureKey) {
		var active = repository.active(customerId, featureKey, clock.instant());
		return active.isEmpty() ? null : active.stream().mapToLong(Grant::remaining).sum();
	}

	/** A customer's grants of a feature as its usage view shows them. */
	GrantUsage usage(String customerId, String featureKey, Period period) {
		var active = repository.active(customerId, featureKey, clock.instant());
		long drawn = repository.drawnIn(customerId, featureKey, period.start());
		return new GrantUsage(active.stream().mapToLong(Grant::amount).sum(),
				active.stream().mapToLong(Grant::remaining).sum(), drawn, active);
	}

	/**
	 * @param granted what the active grants gave in all
	 * @param remaining what they hold now
	 * @param drawnThisPeriod what this period's consumes drew from grants, active or not
	 * @param active the grants that may be drawn on now, in drawing order
	 */
	record GrantUsage(long granted, long remaining, long drawnThisPeriod, List<Grant> active) {
	}

	/** Tells the outside world, in the change's transaction, with the grant as shown. */
	private void announce(String type, Grant grant) {
		events.publishEvent(
				new OutboundEvent(type, grant.customerId(), GrantController.GrantView.of(grant, clock.instant())));
	}

	private static PlangateException notFound(String customerId, UUID id) {
		return new PlangateException(ErrorCode.GRANT_NOT_FOUND, "Customer '" + customerId + "' has no grant " + id)
			.with("id", id.toString());
	}

}
