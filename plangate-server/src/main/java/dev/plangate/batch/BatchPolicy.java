package dev.plangate.batch;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.EntitlementView;
import dev.plangate.catalog.Feature;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.catalog.Plan;
import dev.plangate.customer.CustomerService;
import dev.plangate.customer.CustomerStatus;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionService;

/**
 * What a customer's plan allows of batches: how many operations in one, how many
 * processing at once, whether operations run in parallel, and the queue priority.
 */
@Component
class BatchPolicy {

	private final BatchSettings settings;

	private final CatalogService catalog;

	private final CustomerService customers;

	private final SubscriptionService subscriptions;

	BatchPolicy(BatchSettings settings, CatalogService catalog, CustomerService customers,
			SubscriptionService subscriptions) {
		this.settings = settings;
		this.catalog = catalog;
		this.customers = customers;
		this.subscriptions = subscriptions;
	}

	/**
	 * @param maxOperations operations allowed in one batch
	 * @param maxConcurrent batches processing at once; none when absent
	 */
	record Limits(String plan, int priority, int maxOperations, @Nullable Long maxConcurrent, boolean parallel,
			Duration operationTimeout, Duration batchTimeout) {
	}

	/**
	 * The limits of a customer that may submit batches now.
	 * @throws PlangateException when it may not: unknown, deleted, suspended, without a
	 * live subscription, or on a plan without the batch switch
	 */
	Limits of(String customerId) {
		var customer = customers.getUndeleted(customerId);
		if (customer.status() == CustomerStatus.SUSPENDED) {
			throw new PlangateException(ErrorCode.CUSTOMER_SUSPENDED, "Customer '" + customerId + "' is suspended")
				.with("customerId", customerId);
		}
		var subscription = subscriptions.current(customerId);
		if (!subscription.status().grantsPlan()) {
			throw new PlangateException(ErrorCode.SUBSCRIPTION_INACTIVE,
					"Customer '" + customerId + "' has no active subscription")
				.with("customerId", customerId);
		}
		var plan = catalog.planVersion(subscription.planKey(), subscription.planVersion());
		var enabled = feature(settings.enabledFeature());
		if (enabled != null && !subscriptions.entitlement(customerId, enabled).value().enabled()) {
			throw new PlangateException(ErrorCode.FEATURE_NOT_IN_PLAN,
					"The plan of customer '" + customerId + "' does not include '" + enabled.key() + "'")
				.with("customerId", customerId)
				.with("feature", enabled.key())
				.with("upgradePlan", cheapestPlan(p -> SubscriptionService.effective(enabled, null, p).enabled()));
		}
		var size = feature(settings.sizeFeature());
		int maxOperations = settings.maxOperations();
		if (size != null) {
			maxOperations = (int) Math.min(maxOperations, number(subscriptions.entitlement(customerId, size).value()));
		}
		var concurrency = feature(settings.concurrencyFeature());
		Long maxConcurrent = null;
		if (concurrency != null) {
			var value = subscriptions.entitlement(customerId, concurrency).value();
			maxConcurrent = value.unlimited() ? null : value.enabled() && value.limit() != null ? value.limit() : 0L;
			if (maxConcurrent != null && maxConcurrent == 0) {
				// no batch of it could ever start
				throw new PlangateException(ErrorCode.FEATURE_NOT_IN_PLAN,
						"The plan of customer '" + customerId + "' allows no '" + concurrency.key() + "'")
					.with("customerId", customerId)
					.with("feature", concurrency.key())
					.with("upgradePlan", cheapestPlan(p -> {
						var v = SubscriptionService.effective(concurrency, null, p);
						return v.unlimited() || (v.enabled() && v.limit() != null && v.limit() > 0);
					}));
			}
		}
		var parallel = feature(settings.parallelFeature());
		return new Limits(plan.key(), Math.max(0, plan.definition().queuePriority()), maxOperations, maxConcurrent,
				parallel == null || subscriptions.entitlement(customerId, parallel).value().enabled(),
				seconds(customerId, settings.operationTimeoutFeature(), settings.operationTimeout(),
						settings.maxOperationTimeout()),
				seconds(customerId, settings.batchTimeoutFeature(), settings.batchTimeout(),
						settings.maxBatchTimeout()));
	}

	/**
	 * A plan's number of seconds for a timeout, within bounds; the default without one.
	 */
	private Duration seconds(String customerId, String featureKey, Duration fallback, Duration max) {
		var feature = feature(featureKey);
		if (feature == null) {
			return fallback;
		}
		long value = number(subscriptions.entitlement(customerId, feature).value());
		if (value <= 0) {
			return fallback;
		}
		return Duration.ofSeconds(Math.min(value, max.toSeconds()));
	}

	/** The cheapest active plan allowing a batch of {@code operations}, if any. */
	@Nullable String cheapestPlanAllowing(int operations) {
		var size = feature(settings.sizeFeature());
		if (size == null) {
			return null;
		}
		return cheapestPlan(p -> {
			var value = SubscriptionService.effective(size, null, p);
			return number(value) >= operations;
		});
	}

	private @Nullable String cheapestPlan(Predicate<Plan> allows) {
		return catalog.cheapestActivePlan(allows).map(Plan::key).orElse(null);
	}

	/** A numeric entitlement: a limit, or a number setting; unlimited is no cap. */
	private static long number(EntitlementView value) {
		if (value.unlimited()) {
			return Long.MAX_VALUE;
		}
		if (!value.enabled()) {
			return 0;
		}
		if (value.limit() != null) {
			return value.limit();
		}
		try {
			return value.value() == null ? 0 : new BigDecimal(value.value()).longValue();
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private @Nullable Feature feature(String key) {
		if (key.isBlank()) {
			return null;
		}
		var feature = catalog.featuresByKey().get(key);
		return feature == null || feature.kind() == FeatureKind.RATE ? null : feature;
	}

}
