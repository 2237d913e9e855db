package dev.plangate.enforcement;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.plangate.audit.AuditLog;
import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.Entitlement;
import dev.plangate.catalog.EntitlementView;
import dev.plangate.catalog.Feature;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.catalog.Plan;
import dev.plangate.customer.CustomerService;
import dev.plangate.customer.CustomerStatus;
import dev.plangate.metering.GrantService;
import dev.plangate.metering.MeteringService;
import dev.plangate.metering.Period;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.CustomerState;
import dev.plangate.subscription.SubscriptionService;

/**
 * Answers "may this customer do this, now?" for switches, settings and quotas. A quota's
 * consume is decided by the usage ledger against the period's total under a lock shared
 * by every node, and recorded before the answer.
 */
@Service
public class EnforcementService {

	private final CustomerService customers;

	private final CatalogService catalog;

	private final SubscriptionService subscriptions;

	private final MeteringService metering;

	private final GrantService grants;

	private final RateLimitStore rateLimits;

	private final AuditLog auditLog;

	private final Clock clock;

	private final boolean failClosed;

	private final DecisionMetrics metrics;

	private static final Logger log = LoggerFactory.getLogger(EnforcementService.class);

	EnforcementService(CustomerService customers, CatalogService catalog, SubscriptionService subscriptions,
			MeteringService metering, GrantService grants, RateLimitStore rateLimits, AuditLog auditLog, Clock clock,
			EnforcementSettings settings, DecisionMetrics metrics) {
		this.metrics = metrics;
		this.rateLimits = rateLimits;
		this.auditLog = auditLog;
		this.clock = clock;
		this.failClosed = settings.failClosed();
		this.customers = customers;
		this.catalog = catalog;
		this.subscriptions = subscriptions;
		this.metering = metering;
		this.grants = grants;
	}

	/** Would {@code amount} be allowed now? Changes nothing. */
	public Verdict check(String customerId, String featureKey, long amount) {
		return measured(false, customerId, featureKey, amount, null, Map.of());
	}

	/**
	 * Checks and, when allowed, records {@code amount} atomically. A repeated
	 * {@code idempotencyKey} gets the first answer and consumes nothing more.
	 */
	public Verdict consume(String customerId, String featureKey, long amount, String idempotencyKey,
			Map<String, Object> properties) {
		return measured(true, customerId, featureKey, amount, idempotencyKey, properties);
	}

	private Verdict measured(boolean consume, String customerId, String featureKey, long amount,
			@Nullable String consumeKey, Map<String, Object> properties) {
		long start = System.nanoTime();
		Verdict verdict;
		try {
			verdict = decide(customerId, featureKey, amount, consumeKey, properties);
		}
		catch (RuntimeException ex) {
			metrics.failed(consume, featureKey, ex, start);
			throw ex;
		}
		metrics.decided(consume, verdict, start);
		return verdict;
	}

	/**
	 * What must hold before anything is counted: the customer and feature exist, the
	 * feature is of a kind the caller decides, the customer is active with a live
	 * subscription whose plan grants the feature.
	 */
	record Gate(Feature feature, SubscriptionService.@Nullable FeatureEntitlement entitlement,
			@Nullable Verdict refusal) {
	}

	Gate gate(String customerId, String featureKey, long amount, Set<FeatureKind> kinds, String decidedBy) {
		return gate(subscriptions.decisionState(customerId), customerId, featureKey, amount, kinds, decidedBy);
	}

	private Gate gate(CustomerState state, String customerId, String featureKey, long amount, Set<FeatureKind> kinds,
			String decidedBy) {
		var customer = state.customer();
		var feature = catalog.requestedFeature(featureKey);
		if (!kinds.contains(feature.kind())) {
			throw new PlangateException(ErrorCode.FEATURE_KIND_NOT_SUPPORTED,
					"'" + featureKey + "' is a " + feature.kind().id() + " feature: " + decidedBy,
					List.of(new FieldError("feature", "is a " + feature.kind().id() + " feature")))
				.with("feature", featureKey);
		}
		if (customer.status() == CustomerStatus.DELETED) {
			return new Gate(feature, null,
					refused(ErrorCode.SUBSCRIPTION_INACTIVE, customerId, feature, amount, null, null, null, null));
		}
		var entitlement = subscriptions.entitlement(state, feature);
		var value = entitlement.value();
		var code = customer.status() == CustomerStatus.SUSPENDED ? ErrorCode.CUSTOMER_SUSPENDED
				: !entitlement.subscription().status().grantsPlan() ? ErrorCode.SUBSCRIPTION_INACTIVE
						: !value.enabled() ? ErrorCode.FEATURE_NOT_IN_PLAN : null;
		return new Gate(feature, entitlement, code == null ? null
				: refused(code, customerId, feature, amount, value, null, null, entitlement.plan().key()));
	}

	/**
	 * What a quota check reads in one statement: the customer's state version and the
	 * usage of the period this node's copy of the customer's state points to.
	 */
	private record CheckRead(CustomerState state, Period period, long used) {
	}

	/**
	 * For a check of a quota, the customer's state version and the usage of the period
	 * its kept state points to, read in one round trip, and the state at that version:
	 * the version is read fresh, as every decision reads it. Null when this node keeps no
	 * state of the customer to point to a period, or the feature is no quota: then the
	 * version and the usage are read one after the other.
	 */
	private @Nullable CheckRead checkRead(String customerId, String featureKey) {
		var kept = subscriptions.keptState(customerId);
		var feature = catalog.featuresByKey().get(featureKey);
		if (kept == null || kept.subscription() == null || feature == null || feature.kind() != FeatureKind.QUOTA) {
			return null;
		}
		var s = kept.subscription();
		var period = metering.currentPeriod(feature, new Period(s.currentPeriodStart(), s.currentPeriodEnd()));
		return metering.usedWithStateVersion(customerId, featureKey, period)
			.map(read -> new CheckRead(subscriptions.decisionState(customerId, read.stateVersion()), period,
					read.used()))
			.orElse(null);
	}

	/**
	 * A consume is first decided on this node's copy of the customer's state without
	 * reading its version: when the copy lets a quota's consume through, the ledger
	 * checks the version in the transaction that records it (one read for every consume
	 * it writes at once). Anything else, and a consume whose copy turns out to be stale,
	 * is decided on the state as of a fresh read of the version, as a check is.
	 */
	private Verdict decide(String customerId, String featureKey, long amount, @Nullable String consumeKey,
			Map<String, Object> properties) {
		if (consumeKey != null) {
			var kept = subscriptions.keptState(customerId);
			if (kept != null) {
				var verdict = decide(kept, true, null, customerId, featureKey, amount, consumeKey, properties);
				if (verdict != null) {
					return verdict;
				}
			}
		}
		var checkRead = consumeKey == null ? checkRead(customerId, featureKey) : null;
		var state = checkRead != null ? checkRead.state() : subscriptions.decisionState(customerId);
		return Objects
			.requireNonNull(decide(state, false, checkRead, customerId, featureKey, amount, consumeKey, properties));
	}

	/**
	 * Decides on a customer's state. On a copy whose version was not read
	 * ({@code unverified}), only a quota's consume the copy lets through is decided, the
	 * ledger checking the version as it records it; null for anything else, and when the
	 * ledger finds the version moved: decide again on a fresh state.
	 */
	private @Nullable Verdict decide(CustomerState state, boolean unverified, @Nullable CheckRead checkRead,
			String customerId, String featureKey, long amount, @Nullable String consumeKey,
			Map<String, Object> properties) {
		var gate = gate(state, customerId, featureKey, amount,
				Set.of(FeatureKind.SWITCH, FeatureKind.SETTING, FeatureKind.QUOTA, FeatureKind.RATE),
				"check and consume decide switch, setting, quota and rate features; take leases of concurrency "
						+ "features");
		if (gate.refusal() != null) {
			if (unverified) {
				return null;
			}
			if (!openedByGrants(gate, customerId, consumeKey)) {
				return gate.refusal();
			}
		}
		var feature = gate.feature();
		if (unverified && feature.kind() != FeatureKind.QUOTA) {
			return null;
		}
		var entitlement = Objects.requireNonNull(gate.entitlement());
		var value = entitlement.value();
		if (feature.kind() == FeatureKind.RATE) {
			return rate(customerId, feature, value, amount, consumeKey != null, entitlement.plan().key());
		}
		if (feature.kind() != FeatureKind.QUOTA) {
			return new Verdict(true, null, customerId, featureKey, feature.kind().id(), amount, value.limit(),
					value.unlimited(), null, null, null, null, false, null, null, null, null, false, null, null);
		}
		var billing = new Period(entitlement.subscription().currentPeriodStart(),
				entitlement.subscription().currentPeriodEnd());
		var period = metering.currentPeriod(feature, billing);
		long limit = value.unlimited() ? Long.MAX_VALUE : value.limit() == null ? 0 : value.limit();
		// a quota with an overage price is a soft limit: beyond the allowance and grants,
		// use is admitted as overage up to the cap
		var overage = value.overage();
		Long overageCap = overage == null ? null : overage.cap() == null ? Long.MAX_VALUE : overage.cap();
		Long shownCap = overage == null ? null : overage.cap();
		if (consumeKey == null) {
			long used = checkRead != null && checkRead.period().equals(period) ? checkRead.used()
					: metering.used(customerId, featureKey, period);
			// what the plan's allowance does not cover may be drawn from grants
			long beyond = used + amount - Math.max(limit, used);
			Long grantsLeft = beyond > 0 ? grants.left(customerId, featureKey) : null;
			long held = grantsLeft == null ? 0 : grantsLeft;
			if (beyond <= 0 || beyond <= held) {
				return quota(customerId, feature, amount, value, used, period, false, beyond > 0 ? beyond : null,
						grantsLeft, null, shownCap);
			}
			long over = beyond - held;
			boolean capPassed = overageCap != null
					&& over > overageCap - metering.overage(customerId, featureKey, period);
			if (overageCap != null && !capPassed) {
				return quota(customerId, feature, amount, value, used, period, false, held > 0 ? held : null,
						grantsLeft, over, shownCap);
			}
			return withCap(withGrants(refused(ErrorCode.QUOTA_EXCEEDED, customerId, feature, amount, value, used,
					period, entitlement.plan().key()), grantsLeft), capPassed ? overageCap : null);
		}
		var decision = unverified
				? metering.consumeAt(state.version(), customerId, consumeKey, feature, amount, limit, overageCap,
						period, properties)
				: metering.consume(customerId, consumeKey, feature, amount, limit, overageCap, period, properties);
		if (decision == null) {
			return null;
		}
		if (decision.admitted()) {
			return quota(customerId, feature, decision.event().amount(), value, decision.used(), period,
					decision.event().duplicate(), decision.fromGrants(), decision.grantsLeft(), decision.overage(),
					shownCap);
		}
		// a repeat's answer is the first one: the amount, limit and total it was decided
		// with
		var limitThen = decision.limit() == null ? value.limit() : decision.limit();
		var verdict = withCap(withGrants(
				refused(ErrorCode.QUOTA_EXCEEDED, customerId, feature, decision.event().amount(),
						EntitlementView.of(feature, Entitlement.ofLimit(limitThen == null ? 0 : limitThen),
								value.source()),
						decision.used(), period, entitlement.plan().key()),
				decision.grantsLeft()), decision.overageCap());
		return decision.event().duplicate() ? withDuplicate(verdict) : verdict;
	}

	/**
	 * A quota the plan leaves out (or at 0) is still open to a customer holding active
	 * grants of it: they are its whole allowance. A consume decided before (when grants
	 * opened it) is answered as it was, even once they are spent.
	 */
	private boolean openedByGrants(Gate gate, String customerId, @Nullable String consumeKey) {
		var refusal = Objects.requireNonNull(gate.refusal());
		return ErrorCode.FEATURE_NOT_IN_PLAN.code().equals(refusal.code()) && gate.feature().kind() == FeatureKind.QUOTA
				&& (grants.left(customerId, gate.feature().key()) != null
						|| (consumeKey != null && metering.decided(customerId, consumeKey)));
	}

	/**
	 * A rate decision: consume takes {@code amount} requests' worth, check only looks.
	 * When the store cannot be reached the decision follows
	 * {@code plangate.rate-limits.on-store-failure}: {@code open} allows (and logs),
	 * {@code closed} answers 503.
	 */
	private Verdict rate(String customerId, Feature feature, EntitlementView value, long amount, boolean take,
			String currentPlan) {
		long windowSeconds = Objects.requireNonNull(feature.windowSeconds());
		if (value.unlimited()) {
			return new Verdict(true, null, customerId, feature.key(), feature.kind().id(), amount, null, true, null,
					null, null, null, false, windowSeconds, null, null, null, false, null, null);
		}
		long limitValue = value.limit() == null ? 0 : value.limit();
		var limit = new RateLimit(limitValue, Duration.ofSeconds(windowSeconds));
		var now = clock.instant();
		String key = customerId + ":" + feature.key();
		RateDecision decision;
		try {
			decision = take ? rateLimits.acquire(key, limit, amount, now) : rateLimits.peek(key, limit, amount, now);
		}
		catch (RuntimeException ex) {
			metrics.storeFailed(!failClosed);
			if (!failClosed) {
				log.warn("Rate-limit store unavailable; allowing '{}' for '{}' (on-store-failure: open)", feature.key(),
						customerId, ex);
				return new Verdict(true, null, customerId, feature.key(), feature.kind().id(), amount, limitValue,
						false, null, null, null, null, false, windowSeconds, null, null, null, false, null, null);
			}
			throw new PlangateException(ErrorCode.RATE_LIMITER_UNAVAILABLE,
					"Rate limits cannot be decided right now; retry shortly")
				.withHeader("Retry-After", "1");
		}
		var resetsAt = now.plus(decision.resetAfter());
		if (decision.allowed()) {
			return new Verdict(true, null, customerId, feature.key(), feature.kind().id(), amount, limitValue, false,
					null, decision.remaining(), resetsAt, null, false, windowSeconds, null, null, null, false, null,
					null);
		}
		long retryAfter = Math.max(1, (long) Math.ceil(decision.retryAfter().toMillis() / 1000.0));
		return new Verdict(false, ErrorCode.RATE_LIMITED.code(), customerId, feature.key(), feature.kind().id(), amount,
				limitValue, false, null, decision.remaining(), resetsAt,
				cheapestPlanAllowing(feature, limitValue + amount, currentPlan), false, windowSeconds, retryAfter, null,
				null, false, null, null);
	}

	/** The IETF RateLimit headers describing a rate verdict; none for other kinds. */
	Map<String, String> rateLimitHeaders(Verdict v) {
		if (v.windowSeconds() == null || v.limit() == null) {
			return Map.of();
		}
		var headers = new LinkedHashMap<String, String>();
		long reset = v.resetsAt() == null ? 0
				: Math.max(0, (long) Math.ceil(Duration.between(clock.instant(), v.resetsAt()).toMillis() / 1000.0));
		headers.put("RateLimit-Policy", "\"" + v.feature() + "\";q=" + v.limit() + ";w=" + v.windowSeconds());
		headers.put("RateLimit",
				"\"" + v.feature() + "\";r=" + (v.remaining() == null ? 0 : v.remaining()) + ";t=" + reset);
		if (v.retryAfter() != null) {
			headers.put("Retry-After", String.valueOf(v.retryAfter()));
		}
		return headers;
	}

	/**
	 * Forgets a customer's rate-limit state of the given rate features (all of them when
	 * none are named).
	 */
	public List<String> resetRateLimits(String customerId, List<String> featureKeys) {
		customers.get(customerId);
		var features = catalog.featuresByKey();
		var rateFeatures = features.values()
			.stream()
			.filter(f -> f.kind() == FeatureKind.RATE)
			.map(Feature::key)
			.toList();
		var errors = new ArrayList<FieldError>();
		for (var key : featureKeys) {
			if (!rateFeatures.contains(key)) {
				errors.add(new FieldError("features", "'" + key + "' is not a rate feature"));
			}
		}
		if (!errors.isEmpty()) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST, "Only rate features have rate-limit state", errors);
		}
		var cleared = featureKeys.isEmpty() ? rateFeatures : featureKeys;
		cleared.forEach(key -> rateLimits.reset(customerId + ":" + key));
		auditLog.record("rate_limits.reset", "customer", customerId, null, Map.of("features", cleared));
		return cleared;
	}

	private static Verdict quota(String customerId, Feature feature, long amount, EntitlementView value, long used,
			Period period, boolean duplicate, @Nullable Long fromGrants, @Nullable Long grantsLeft,
			@Nullable Long overageUnits, @Nullable Long overageCap) {
		// a quota the plan leaves out, opened by grants, has an allowance of 0
		Long limit = value.unlimited() ? null : value.limit() == null ? 0L : value.limit();
		return new Verdict(true, null, customerId, feature.key(), feature.kind().id(), amount, limit, value.unlimited(),
				used, limit == null ? null : Math.max(0, limit - used), period.end(), null, duplicate, null, null,
				fromGrants, grantsLeft, overageUnits != null, overageUnits, overageCap);
	}

	/** A refusal at the overage cap says which cap it met. */
	private static Verdict withCap(Verdict v, @Nullable Long cap) {
		if (cap == null) {
			return v;
		}
		return new Verdict(v.allowed(), v.code(), v.customerId(), v.feature(), v.kind(), v.amount(), v.limit(),
				v.unlimited(), v.used(), v.remaining(), v.resetsAt(), v.upgradePlan(), v.duplicate(), v.windowSeconds(),
				v.retryAfter(), v.fromGrants(), v.grantsRemaining(), false, null, cap);
	}

	static Verdict withGrants(Verdict v, @Nullable Long grantsLeft) {
		return new Verdict(v.allowed(), v.code(), v.customerId(), v.feature(), v.kind(), v.amount(), v.limit(),
				v.unlimited(), v.used(), v.remaining(), v.resetsAt(), v.upgradePlan(), v.duplicate(), v.windowSeconds(),
				v.retryAfter(), null, grantsLeft, v.overage(), v.overageUnits(), v.overageCap());
	}

	Verdict refused(ErrorCode code, String customerId, Feature feature, long amount, @Nullable EntitlementView value,
			@Nullable Long used, @Nullable Period period, @Nullable String currentPlan) {
		Long limit = value == null || value.unlimited() ? null
				: value.limit() == null && code == ErrorCode.QUOTA_EXCEEDED ? Long.valueOf(0) : value.limit();
		Long remaining = limit == null || used == null ? null : Math.max(0, limit - used);
		String upgrade = code == ErrorCode.QUOTA_EXCEEDED || code == ErrorCode.FEATURE_NOT_IN_PLAN
				? cheapestPlanAllowing(feature, (used == null ? 0 : used) + amount, currentPlan) : null;
		return new Verdict(false, code.code(), customerId, feature.key(), feature.kind().id(), amount, limit,
				value != null && value.unlimited(), used, remaining, period == null ? null : period.end(), upgrade,
				false, null, null, null, null, false, null, null);
	}

	/** A refusal as the problem an HTTP caller gets, carrying the verdict's members. */
	PlangateException problem(Verdict v) {
		var code = ErrorCode.valueOf(Objects.requireNonNull(v.code()).toUpperCase(Locale.ROOT));
		String detail = switch (code) {
			case QUOTA_EXCEEDED -> "Customer '" + v.customerId() + "' has used " + v.used() + " of " + v.limit() + " '"
					+ v.feature() + "'; " + v.amount() + " more would exceed the limit"
					+ (v.grantsRemaining() == null ? "" : " and the " + v.grantsRemaining() + " left in its grants")
					+ (v.overageCap() == null ? "" : " and its overage cap of " + v.overageCap() + " a period");
			case FEATURE_NOT_IN_PLAN ->
				"The plan of customer '" + v.customerId() + "' does not include '" + v.feature() + "'";
			case CUSTOMER_SUSPENDED -> "Customer '" + v.customerId() + "' is suspended";
			case RATE_LIMITED -> "Customer '" + v.customerId() + "' may make " + v.limit() + " '" + v.feature()
					+ "' requests per " + v.windowSeconds() + " s; retry in " + v.retryAfter() + " s";
			default -> "Customer '" + v.customerId() + "' has no active subscription";
		};
		var exception = new PlangateException(code, detail).with("allowed", false)
			.with("customerId", v.customerId())
			.with("feature", v.feature())
			.with("amount", v.amount())
			.with("limit", v.limit())
			.with("used", v.used())
			.with("remaining", v.remaining())
			.with("resetsAt", v.resetsAt())
			.with("upgradePlan", v.upgradePlan())
			.with("grantsRemaining", v.grantsRemaining())
			.with("overageCap", v.overageCap())
			.with("duplicate", v.duplicate())
			.with("windowSeconds", v.windowSeconds())
			.with("retryAfter", v.retryAfter());
		rateLimitHeaders(v).forEach(exception::withHeader);
		return exception;
	}

	private static Verdict withDuplicate(Verdict v) {
		return new Verdict(v.allowed(), v.code(), v.customerId(), v.feature(), v.kind(), v.amount(), v.limit(),
				v.unlimited(), v.used(), v.remaining(), v.resetsAt(), v.upgradePlan(), true, v.windowSeconds(),
				v.retryAfter(), v.fromGrants(), v.grantsRemaining(), v.overage(), v.overageUnits(), v.overageCap());
	}

	/**
	 * The cheapest active plan, other than the customer's own, whose own entitlement (no
	 * overrides) would allow {@code needed} of the feature.
	 */
	private @Nullable String cheapestPlanAllowing(Feature feature, long needed, @Nullable String currentPlan) {
		return catalog.cheapestActivePlan(plan -> {
			var value = SubscriptionService.effective(feature, null, plan);
			return !plan.key().equals(currentPlan) && value.enabled() && (feature.kind() != FeatureKind.QUOTA
					|| value.unlimited() || (value.limit() != null && value.limit() >= needed));
		}).map(Plan::key).orElse(null);
	}

}
