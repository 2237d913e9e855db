package dev.plangate.alert;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.plangate.audit.AuditLog;
import dev.plangate.catalog.AlertThresholds;
import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.Feature;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.customer.Customer;
import dev.plangate.customer.CustomerService;
import dev.plangate.customer.CustomerStatus;
import dev.plangate.metering.QuotaProgress;
import dev.plangate.notify.MailOutbox;
import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.Page;
import dev.plangate.platform.PlangateException;

/**
 * Fires usage alerts from what the ledger commits. A threshold {@code t} of a quota fires
 * for the event that takes the period's total from below {@code t} % of the limit to at
 * least it; {@code quota.exceeded} for the first consume of the period refused for want
 * of quota or admitted as overage. Each fires at most once per customer, feature and
 * period: the alert table's unique key decides, in the ledger's transaction, on whichever
 * node. A fired alert is recorded, mailed to the customer (when it has an address) and
 * published as an {@link OutboundEvent}.
 */
@Service
public class UsageAlerts {

	static final String THRESHOLD_REACHED = "usage.threshold_reached";

	static final String QUOTA_EXCEEDED = "quota.exceeded";

	/**
	 * Periods already known to have their {@code quota.exceeded}, kept up to this many.
	 */
	private static final int KNOWN_EXCEEDED = 10_000;

	private static final BigInteger HUNDRED = BigInteger.valueOf(100);

	private final AlertRepository repository;

	private final CatalogService catalog;

	private final CustomerService customers;

	private final MailOutbox mail;

	private final ApplicationEventPublisher publisher;

	private final AuditLog auditLog;

	private final Clock clock;

	private final List<Integer> defaultThresholds;

	/**
	 * Periods whose {@code quota.exceeded} is committed, so that a stream of refusals
	 * does not try to insert it again and again.
	 */
	private final Set<String> knownExceeded = ConcurrentHashMap.newKeySet();

	UsageAlerts(AlertRepository repository, CatalogService catalog, CustomerService customers, MailOutbox mail,
			ApplicationEventPublisher publisher, AuditLog auditLog, Clock clock, AlertSettings settings) {
		this.repository = repository;
		this.catalog = catalog;
		this.customers = customers;
		this.mail = mail;
		this.publisher = publisher;
		this.auditLog = auditLog;
		this.clock = clock;
		this.defaultThresholds = settings.thresholds();
	}

	/**
	 * Fires the alerts a ledger commit crossed; runs in its transaction. Thresholds are
	 * looked up only for events that cross a whole percent of their limit, so most events
	 * cost no query.
	 */
	@EventListener
	void fire(QuotaProgress progress) {
		var now = clock.instant();
		var crossing = new ArrayList<QuotaProgress.Step>();
		for (var step : progress.steps()) {
			if (step.kind() == QuotaProgress.Kind.ADMITTED && crossesWholePercent(step)) {
				crossing.add(step);
			}
		}
		if (!crossing.isEmpty()) {
			var features = catalog.featuresByKey();
			var own = repository.thresholds(crossing.stream().map(QuotaProgress.Step::customerId).toList());
			for (var step : crossing) {
				var feature = features.get(step.feature());
				var thresholds = own.get(AlertRepository.key(step.customerId(), step.feature()));
				if (thresholds == null) {
					thresholds = feature == null || feature.alertThresholds().isEmpty() ? defaultThresholds
							: feature.alertThresholds();
				}
				for (int threshold : thresholds) {
					if (reached(step.usedBefore(), step.limit(), threshold)
							|| !reached(step.usedAfter(), step.limit(), threshold)) {
						continue;
					}
					if (repository.insertIfAbsent(step.customerId(), step.feature(), step.periodStart(),
							step.periodEnd(), AlertRepository.THRESHOLD, threshold, step.usedAfter(), step.limit(),
							step.eventId(), now)) {
						var data = data(step, threshold);
						publisher.publishEvent(new OutboundEvent(THRESHOLD_REACHED, step.customerId(), data));
						var variables = variables(step, feature);
						variables.put("threshold", threshold);
						send(step.customerId(), "usage-threshold", variables);
					}
				}
			}
		}
		for (var step : progress.steps()) {
			if (step.kind() == QuotaProgress.Kind.ADMITTED) {
				continue;
			}
			var period = AlertRepository.key(step.customerId(), step.feature()) + '\u0000' + step.periodStart();
			if (knownExceeded.contains(period)) {
				continue;
			}
			if (!repository.insertIfAbsent(step.customerId(), step.feature(), step.periodStart(), step.periodEnd(),
					AlertRepository.EXCEEDED, 0, step.usedAfter(), step.limit(), step.eventId(), now)) {
				rememberOnCommit(period);
				continue;
			}
			boolean overage = step.kind() == QuotaProgress.Kind.OVERAGE;
			var data = data(step, null);
			data.put("cause", overage ? "overage" : "refused");
			publisher.publishEvent(new OutboundEvent(QUOTA_EXCEEDED, step.customerId(), data));
			var variables = variables(step, catalog.featuresByKey().get(step.feature()));
			variables.put("overage", overage);
			send(step.customerId(), "quota-exceeded", variables);
		}
	}

	/**
	 * Notes that a period's {@code quota.exceeded} is recorded, once the transaction that
	 * found it commits (it may be this one's own row).
	 */
	private void rememberOnCommit(String period) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				if (knownExceeded.size() >= KNOWN_EXCEEDED) {
					knownExceeded.clear();
				}
				knownExceeded.add(period);
			}
		});
	}

	/**
	 * Whether some whole percent from 1 to 1000 lies above the share of the limit before
	 * the event and at or below the share after it: only then can a threshold be crossed.
	 */
	static boolean crossesWholePercent(QuotaProgress.Step step) {
		if (step.usedAfter() <= step.usedBefore() || step.limit() <= 0) {
			return false;
		}
		long lowest = Math.max(percentFloor(step.usedBefore(), step.limit()) + 1, AlertThresholds.MIN);
		long highest = Math.min(percentFloor(step.usedAfter(), step.limit()), AlertThresholds.MAX);
		return lowest <= highest;
	}

	/** Whether {@code used} is at least {@code percent} % of {@code limit}. */
	static boolean reached(long used, long limit, int percent) {
		return BigInteger.valueOf(used)
			.multiply(HUNDRED)
			.compareTo(BigInteger.valueOf(limit).multiply(BigInteger.valueOf(percent))) >= 0;
	}

	/** The whole percent of {@code limit} that {@code used} is, rounded down. */
	private static long percentFloor(long used, long limit) {
		if (Math.abs(used) < Long.MAX_VALUE / 100) {
			return Math.floorDiv(used * 100, limit);
		}
		return BigInteger.valueOf(used).multiply(HUNDRED).divide(BigInteger.valueOf(limit)).longValue();
	}

	private static Map<String, @Nullable Object> data(QuotaProgress.Step step, @Nullable Integer threshold) {
		var data = new LinkedHashMap<String, @Nullable Object>();
		data.put("feature", step.feature());
		if (threshold != null) {
			data.put("threshold", threshold);
		}
		data.put("used", step.usedAfter());
		data.put("limit", step.limit());
		data.put("periodStart", step.periodStart());
		data.put("periodEnd", step.periodEnd());
		data.put("eventId", step.eventId());
		return data;
	}

	private static Map<String, Object> variables(QuotaProgress.Step step, @Nullable Feature feature) {
		var variables = new LinkedHashMap<String, Object>();
		variables.put("featureName", feature == null ? step.feature() : feature.name());
		variables.put("unit", feature == null || feature.unit() == null ? "units" : feature.unit());
		variables.put("used", step.usedAfter());
		variables.put("limit", step.limit());
		variables.put("periodStart", step.periodStart().atOffset(ZoneOffset.UTC).toLocalDate().toString());
		if (step.periodEnd() != null) {
			variables.put("periodEnd", step.periodEnd().atOffset(ZoneOffset.UTC).toLocalDate().toString());
		}
		return variables;
	}

	/** Queues the mail to the customer's address, when it has one. */
	private void send(String customerId, String template, Map<String, Object> variables) {
		var customer = customers.find(customerId).orElse(null);
		if (customer == null || customer.email() == null || customer.status() == CustomerStatus.DELETED) {
			return;
		}
		var all = new LinkedHashMap<>(variables);
		all.put("name", name(customer));
		all.putIfAbsent("periodEnd", null);
		mail.send(customer.email(), template, all);
	}

	private static String name(Customer customer) {
		return customer.name() == null || customer.name().isBlank() ? customer.id() : customer.name();
	}

	// history

	/**
	 * A page of a customer's alerts, newest first.
	 * @throws PlangateException {@code customer_not_found}, {@code feature_not_found},
	 * {@code invalid_request} for a bad cursor
	 */
	public Page<UsageAlert> list(String customerId, @Nullable String feature, @Nullable String cursor, int limit) {
		Long before = decodeCursor(cursor);
		customers.get(customerId);
		String featureKey = feature == null ? null : catalog.feature(feature).key();
		var rows = repository.alerts(customerId, featureKey, before, limit + 1);
		var page = rows.subList(0, Math.min(limit, rows.size()));
		String next = rows.size() > limit ? encodeCursor(page.get(page.size() - 1).seq()) : null;
		return new Page<>(page.stream().map(AlertRepository.Row::alert).toList(), next);
	}

	private static @Nullable Long decodeCursor(@Nullable String cursor) {
		if (cursor == null) {
			return null;
		}
		try {
			var bytes = Base64.getUrlDecoder().decode(cursor);
			if (bytes.length == 9 && bytes[0] == 'a') {
				return ByteBuffer.wrap(bytes, 1, 8).getLong();
			}
		}
		catch (IllegalArgumentException ex) {
			// answered below
		}
		throw new PlangateException(ErrorCode.INVALID_REQUEST, "cursor is not one this API gave out",
				List.of(new FieldError("cursor", "is not a cursor from a previous page")));
	}

	private static String encodeCursor(long seq) {
		var bytes = ByteBuffer.allocate(9).put((byte) 'a').putLong(seq).array();
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	// thresholds

	/**
	 * A quota's thresholds for a customer and where they come from: {@code customer},
	 * {@code catalog} or {@code default}.
	 */
	public record Thresholds(String feature, List<Integer> thresholds, String source, @Nullable String setBy,
			@Nullable Instant setAt) {
	}

	/** The thresholds that apply to a customer's quota. */
	public Thresholds thresholds(String customerId, String featureKey) {
		customers.get(customerId);
		var feature = quota(featureKey);
		return repository.thresholds(customerId, feature.key())
			.map(t -> new Thresholds(feature.key(), t.thresholds(), "customer", t.setBy(), t.setAt()))
			.orElseGet(() -> feature.alertThresholds().isEmpty()
					? new Thresholds(feature.key(), defaultThresholds, "default", null, null)
					: new Thresholds(feature.key(), feature.alertThresholds(), "catalog", null, null));
	}

	/** Gives a customer its own thresholds of a quota, replacing the catalog's. */
	@Transactional
	public Thresholds setThresholds(String customerId, String featureKey, List<Integer> thresholds) {
		customers.getUndeleted(customerId);
		var feature = quota(featureKey);
		var problems = AlertThresholds.problems(thresholds);
		if (!problems.isEmpty()) {
			var errors = problems.stream()
				.map(p -> p.startsWith("[") ? new FieldError("thresholds" + p.substring(0, p.indexOf(']') + 1),
						p.substring(p.indexOf(']') + 2)) : new FieldError("thresholds", p))
				.toList();
			throw new PlangateException(ErrorCode.INVALID_ALERT_THRESHOLDS,
					"The thresholds of '" + featureKey + "' " + problems.get(0), errors)
				.with("feature", featureKey);
		}
		var before = repository.thresholds(customerId, feature.key()).orElse(null);
		var set = new AlertRepository.CustomerThresholds(customerId, feature.key(), List.copyOf(thresholds),
				Actor.current().name(), clock.instant());
		repository.putThresholds(set);
		auditLog.record("alert_thresholds.set", "customer", customerId, before, set);
		return new Thresholds(set.feature(), set.thresholds(), "customer", set.setBy(), set.setAt());
	}

	/** Takes a customer's own thresholds away: the catalog's apply again. */
	@Transactional
	public void removeThresholds(String customerId, String featureKey) {
		customers.getUndeleted(customerId);
		var feature = catalog.feature(featureKey);
		var before = repository.thresholds(customerId, feature.key())
			.orElseThrow(() -> new PlangateException(ErrorCode.ALERT_THRESHOLDS_NOT_FOUND,
					"Customer '" + customerId + "' has no alert thresholds of its own for '" + featureKey + "'")
				.with("feature", featureKey));
		repository.deleteThresholds(customerId, feature.key());
		auditLog.record("alert_thresholds.removed", "customer", customerId, before, null);
	}

	private Feature quota(String featureKey) {
		var feature = catalog.feature(featureKey);
		if (feature.kind() != FeatureKind.QUOTA) {
			throw new PlangateException(ErrorCode.INVALID_ALERT_THRESHOLDS,
					"'" + featureKey + "' is a " + feature.kind().id() + " feature; only quotas have usage alerts",
					List.of(new FieldError("feature", "is a " + feature.kind().id() + " feature, not a quota")))
				.with("feature", featureKey);
		}
		return feature;
	}

}
