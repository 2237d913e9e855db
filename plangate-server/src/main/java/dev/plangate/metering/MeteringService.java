package dev.plangate.metering;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.Feature;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.catalog.ResetPeriod;
import dev.plangate.customer.CustomerService;
import dev.plangate.customer.CustomerStatus;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.Subscription;
import dev.plangate.subscription.CustomerState;
import dev.plangate.subscription.SubscriptionService;

/**
 * Usage ingestion: validates a request's events as a whole (one bad event refuses them
 * all, so nothing is half recorded), places each in its feature's period, and answers
 * once the ledger has committed them.
 */
@Service
public class MeteringService {

	/** How far ahead of this node's clock an event's time may be. */
	static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

	private final LedgerWriter writer;

	private final LedgerRepository ledger;

	private final CatalogService catalog;

	private final CustomerService customers;

	private final SubscriptionService subscriptions;

	private final Clock clock;

	MeteringService(LedgerWriter writer, LedgerRepository ledger, CatalogService catalog, CustomerService customers,
			SubscriptionService subscriptions, Clock clock) {
		this.writer = writer;
		this.ledger = ledger;
		this.catalog = catalog;
		this.customers = customers;
		this.subscriptions = subscriptions;
		this.clock = clock;
	}

	/**
	 * An event as a caller reports it.
	 *
	 * @param timestamp when the usage happened; now when absent
	 */
	public record NewEvent(String id, String customerId, String feature, long amount, @Nullable Instant timestamp,
			Map<String, Object> properties) {
	}

	/**
	 * Records events; repeated ids are answered with what was recorded first.
	 * @throws PlangateException {@code invalid_usage_events} naming every bad event,
	 * nothing recorded
	 */
	public List<Recorded> record(List<NewEvent> events) {
		var now = clock.instant();
		var features = catalog.featuresByKey();
		var errors = new ArrayList<FieldError>();
		var valid = new ArrayList<UsageEvent>();
		var allowances = new ArrayList<LedgerWriter.@Nullable Allowance>();
		var billing = new HashMap<String, Period>();
		var held = new HashMap<String, Held>();
		// per customer and feature: the period holding now, and the allowance
		var periods = new HashMap<Quota, Period>();
		var limits = new HashMap<Quota, Optional<Long>>();
		// every customer's state version in one read, not one read a customer
		var states = subscriptions
			.decisionStates(events.stream().map(NewEvent::customerId).collect(Collectors.toCollection(HashSet::new)));
		for (int i = 0; i < events.size(); i++) {
			var event = events.get(i);
			var feature = features.get(event.feature());
			if (feature == null) {
				errors.add(new FieldError(at(i) + "feature", "unknown feature '" + event.feature() + "'"));
				continue;
			}
			if (feature.kind() != FeatureKind.QUOTA) {
				errors.add(new FieldError(at(i) + "feature", "'" + feature.key() + "' is a " + feature.kind().id()
						+ " feature; usage is recorded for quota features only"));
				continue;
			}
			if (event.amount() == 0 || (event.amount() < 0 && feature.period() != ResetPeriod.LIFETIME)) {
				errors.add(new FieldError(at(i) + "amount",
						event.amount() == 0 ? "must not be 0"
								: "may be negative only for a lifetime quota (a count that goes down), not for '"
										+ feature.key() + "'"));
				continue;
			}
			// kept to the microsecond, as the ledger stores it, so a repeat's answer
			// equals the first one
			var occurred = (event.timestamp() == null ? now : event.timestamp()).truncatedTo(ChronoUnit.MICROS);
			if (occurred.isAfter(now.plus(MAX_CLOCK_SKEW))) {
				errors.add(new FieldError(at(i) + "timestamp",
						"is more than " + MAX_CLOCK_SKEW.toMinutes() + " minutes in the future"));
				continue;
			}
			var period = billingPeriod(event.customerId(), states, billing, held, errors, i);
			if (period == null) {
				continue;
			}
			var quota = new Quota(event.customerId(), feature.key());
			var current = periods.computeIfAbsent(quota, q -> Period.of(feature.period(), now, period));
			if (occurred.isBefore(current.start())) {
				errors.add(new FieldError(at(i) + "timestamp",
						"falls before the current " + feature.period().id() + " period of '" + feature.key()
								+ "', which started " + current.start() + "; closed periods cannot change"));
				continue;
			}
			var window = current.contains(occurred) ? current : Period.of(feature.period(), occurred, period);
			valid.add(new UsageEvent(event.customerId(), event.id(), feature.key(), event.amount(), occurred,
					window.start(), event.properties()));
			var limit = limits.computeIfAbsent(quota, q -> allowance(held.get(event.customerId()), feature));
			allowances.add(limit.map(l -> new LedgerWriter.Allowance(l, window.end())).orElse(null));
		}
		if (!errors.isEmpty()) {
			throw new PlangateException(ErrorCode.INVALID_USAGE_EVENTS,
					errors.size() + " of " + events.size() + " usage events cannot be recorded; none were", errors);
		}
		return await(writer.submit(valid, allowances)).stream().map(LedgerDecision::event).toList();
	}

	/**
	 * The allowance a customer's usage of a quota is measured against for usage alerts:
	 * the override's or plan's limit, grants not counted; empty when unlimited or not
	 * granted.
	 */
	private Optional<Long> allowance(Held held, Feature feature) {
		var s = held.subscription();
		var value = SubscriptionService.effective(feature, held.state().overrides().get(feature.key()),
				catalog.planVersion(s.planKey(), s.planVersion()));
		return value.unlimited() || value.limit() == null || value.limit() <= 0 ? Optional.empty()
				: Optional.of(value.limit());
	}

	/** Where a request's event is refused: its place in the request. */
	private static String at(int i) {
		return "events[" + i + "].";
	}

	/** One customer's quota, which a request's events of it share. */
	private record Quota(String customerId, String feature) {
	}

	/** A customer's state and subscription as of a request, read once per request. */
	private record Held(CustomerState state, Subscription subscription) {
	}

	/**
	 * The billing period of a customer that may report usage, looked up once per request
	 * (from the node's copy of the customer's state while its version stays).
	 */
	private @Nullable Period billingPeriod(String customerId, Map<String, CustomerState> states,
			Map<String, Period> cache, Map<String, Held> held, List<FieldError> errors, int i) {
		var cached = cache.get(customerId);
		if (cached != null) {
			return cached;
		}
		var state = states.get(customerId);
		if (state == null) {
			errors.add(new FieldError(at(i) + "customerId", "unknown customer '" + customerId + "'"));
			return null;
		}
		if (state.customer().status() == CustomerStatus.DELETED) {
			errors.add(new FieldError(at(i) + "customerId", "customer '" + customerId + "' is deleted"));
			return null;
		}
		var s = subscriptions.current(state);
		var period = new Period(s.currentPeriodStart(), s.currentPeriodEnd());
		cache.put(customerId, period);
		held.put(customerId, new Held(state, s));
		return period;
	}

	/**
	 * Consumes {@code amount} of a quota within {@code limit}, decided atomically against
	 * the period's total and recorded before the answer. A repeated {@code eventId} gets
	 * the first decision. With an {@code overageCap} ({@link Long#MAX_VALUE} for none),
	 * what the allowance and grants do not cover is admitted as overage, decided in the
	 * same transaction as the event.
	 */
	public LedgerDecision consume(String customerId, String eventId, Feature feature, long amount, long limit,
			@Nullable Long overageCap, Period period, Map<String, Object> properties) {
		var now = clock.instant();
		var event = new UsageEvent(customerId, eventId, feature.key(), amount, now, period.start(), properties);
		return await(writer.consume(event, limit, overageCap, period.end(), null)).get(0);
	}

	/**
	 * Consumes as {@link #consume} does, for a decision made on a copy of the customer's
	 * state read at {@code stateVersion}: the ledger checks that version in the
	 * transaction that records the consume, with every other consume it writes at once,
	 * instead of the caller reading it before.
	 * @return null, with nothing recorded, when the customer's state version has moved:
	 * decide again on the state as it is
	 */
	public @Nullable LedgerDecision consumeAt(long stateVersion, String customerId, String eventId, Feature feature,
			long amount, long limit, @Nullable Long overageCap, Period period, Map<String, Object> properties) {
		var now = clock.instant();
		var event = new UsageEvent(customerId, eventId, feature.key(), amount, now, period.start(), properties);
		var answer = await(writer.consume(event, limit, overageCap, period.end(), stateVersion));
		return answer.isEmpty() ? null : answer.get(0);
	}

	/**
	 * Gives {@code amount} units of a quota back to the period starting at
	 * {@code periodStart}: a usage event of {@code -amount} under {@code eventId}, so
	 * that the ledger, its totals and rollups count only what was spent. Recorded once
	 * per {@code eventId}, however often it is called.
	 */
	public Recorded giveBack(String customerId, String eventId, Feature feature, long amount, Instant periodStart) {
		if (amount <= 0) {
			throw new IllegalArgumentException("Give back a positive amount, not " + amount);
		}
		var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
		var event = new UsageEvent(customerId, eventId, feature.key(), -amount, now, periodStart, Map.of());
		var allowances = new ArrayList<LedgerWriter.@Nullable Allowance>();
		allowances.add(null);
		return await(writer.submit(List.of(event), allowances)).get(0).event();
	}

	/**
	 * The overage admitted of a quota in a period: what consumes took beyond the
	 * allowance and the grants.
	 */
	public long overage(String customerId, String feature, Period period) {
		return ledger.overage(customerId, feature, period.start());
	}

	/**
	 * The overage of periods that ended at least {@code delay} ago, among the periods
	 * that started after {@code since}. A period has ended once the customer's current
	 * period of the feature starts after it; that start is taken as its end.
	 */
	public List<PeriodOverage> endedOverage(Instant since, Duration delay) {
		var now = clock.instant();
		var ended = new ArrayList<PeriodOverage>();
		for (var overage : ledger.overages(since)) {
			var feature = catalog.featuresByKey().get(overage.feature());
			if (feature == null || customers.find(overage.customerId())
				.filter(c -> c.status() != CustomerStatus.DELETED)
				.isEmpty()) {
				continue;
			}
			var current = usage(overage.customerId(), feature).period();
			if (current.start().isAfter(overage.periodStart()) && !now.isBefore(current.start().plus(delay))) {
				ended.add(new PeriodOverage(overage.customerId(), overage.feature(), overage.periodStart(),
						current.start(), overage.units()));
			}
		}
		return ended;
	}

	/** Whether a consume under this key was decided before, admitted or refused. */
	public boolean decided(String customerId, String eventId) {
		return ledger.find(customerId, eventId).isPresent() || ledger.refusal(customerId, eventId).isPresent();
	}

	/**
	 * The period of a quota holding now, for a customer with the given billing period.
	 */
	public Period currentPeriod(Feature feature, Period billing) {
		return Period.of(feature.period() == null ? ResetPeriod.LIFETIME : feature.period(), clock.instant(), billing);
	}

	/**
	 * What was used of a quota in a period, with the customer's state version read in the
	 * same statement, so that a decision reads both in one round trip; empty for an
	 * unknown customer.
	 */
	public Optional<VersionedUsage> usedWithStateVersion(String customerId, String feature, Period period) {
		return ledger.usedWithStateVersion(customerId, feature, period.start());
	}

	/** A customer's state version and its usage of a quota, read at once. */
	public record VersionedUsage(long stateVersion, long used) {
	}

	/** What was used of a quota in a period. */
	public long used(String customerId, String feature, Period period) {
		return ledger.used(customerId, feature, period.start());
	}

	private static <T> T await(CompletableFuture<T> answer) {
		try {
			return answer.get(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PlangateException(ErrorCode.LEDGER_BUSY, "Interrupted while the ledger wrote the events");
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new PlangateException(ErrorCode.LEDGER_BUSY,
					"The usage ledger could not confirm the events; retrying with the same ids is safe");
		}
	}

	/** A customer's usage of a feature in the period holding now. */
	public Usage usage(String customerId, Feature feature) {
		var s = subscriptions.current(customerId);
		var now = clock.instant();
		var period = Period.of(feature.period() == null ? ResetPeriod.LIFETIME : feature.period(), now,
				new Period(s.currentPeriodStart(), s.currentPeriodEnd()));
		return new Usage(period, ledger.used(customerId, feature.key(), period.start()));
	}

	/** What was used in a period. */
	public record Usage(Period period, long used) {
	}

}
