package dev.plangate.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The event catalog's types (docs/webhooks.md), and the filters an endpoint may subscribe
 * with: a type, {@code *} for all, or {@code prefix.*} for every type under a prefix.
 */
public final class EventTypes {

	/** Every type the platform publishes. */
	public static final Set<String> ALL = Set.of("customer.created", "customer.updated", "customer.suspended",
			"customer.reactivated", "customer.deleted", "subscription.created", "subscription.changed",
			"subscription.change_scheduled", "subscription.scheduled_change_cancelled", "subscription.cancelled",
			"subscription.trial_ending", "subscription.past_due", "subscription.unpaid", "subscription.status_changed",
			"usage.threshold_reached", "quota.exceeded", "grant.created", "grant.revoked", "grant.paid",
			"grant.exhausted", "batch.completed", "batch.failed", "batch.cancelled", "account.signed_up",
			"account.locked", "account.email_verified", "invoice.finalized", "invoice.paid", "invoice.payment_failed",
			"charge.created", "webhook_endpoint.disabled");

	/** Published when an endpoint is disabled after failing throughout its retries. */
	public static final String ENDPOINT_DISABLED = "webhook_endpoint.disabled";

	/** The filter that subscribes to every type. */
	public static final String EVERY = "*";

	private EventTypes() {
	}

	/**
	 * Whether {@code filter} is one an endpoint may subscribe with: {@code *}, a catalog
	 * type, or {@code prefix.*} where some catalog type starts with {@code prefix.}.
	 */
	public static boolean isFilter(String filter) {
		if (filter.equals(EVERY) || ALL.contains(filter)) {
			return true;
		}
		if (filter.endsWith(".*") && filter.length() > 2) {
			var prefix = filter.substring(0, filter.length() - 1);
			return ALL.stream().anyMatch(type -> type.startsWith(prefix));
		}
		return false;
	}

	/**
	 * The filters that select {@code type}: {@code *}, each of its prefixes with
	 * {@code .*}, and the type itself.
	 */
	static List<String> filtersMatching(String type) {
		var filters = new ArrayList<String>();
		filters.add(EVERY);
		for (int dot = type.indexOf('.'); dot >= 0; dot = type.indexOf('.', dot + 1)) {
			filters.add(type.substring(0, dot) + ".*");
		}
		filters.add(type);
		return filters;
	}

}
