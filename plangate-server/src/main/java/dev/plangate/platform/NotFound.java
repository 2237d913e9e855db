package dev.plangate.platform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The not-found code each path variable of the API answers when it names nothing, by the
 * path's segments before it: what a {@code {id}} after {@code customers} names is a
 * customer. The API document lists, for each operation, the codes of its path's
 * variables; a path whose variable has no entry here fails the API document's contract
 * test, so that a new resource's code is added with it.
 */
final class NotFound {

	/** Most specific first: the first whose segments end the path before the variable. */
	private static final Map<String, ErrorCode> BY_SEGMENTS = new LinkedHashMap<>();

	static {
		BY_SEGMENTS.put("me/api-keys", ErrorCode.PERSONAL_API_KEY_NOT_FOUND);
		BY_SEGMENTS.put("billing/events", ErrorCode.BILLING_EVENT_NOT_FOUND);
		BY_SEGMENTS.put("admin/accounts", ErrorCode.ACCOUNT_NOT_FOUND);
		BY_SEGMENTS.put("allowances", ErrorCode.ALLOWANCE_NOT_FOUND);
		BY_SEGMENTS.put("alert-thresholds", ErrorCode.ALERT_THRESHOLDS_NOT_FOUND);
		BY_SEGMENTS.put("api-keys", ErrorCode.API_KEY_NOT_FOUND);
		BY_SEGMENTS.put("batches", ErrorCode.BATCH_NOT_FOUND);
		BY_SEGMENTS.put("customers", ErrorCode.CUSTOMER_NOT_FOUND);
		BY_SEGMENTS.put("deliveries", ErrorCode.WEBHOOK_DELIVERY_NOT_FOUND);
		BY_SEGMENTS.put("events", ErrorCode.EVENT_NOT_FOUND);
		BY_SEGMENTS.put("features", ErrorCode.FEATURE_NOT_FOUND);
		BY_SEGMENTS.put("grants", ErrorCode.GRANT_NOT_FOUND);
		BY_SEGMENTS.put("impersonations", ErrorCode.IMPERSONATION_NOT_FOUND);
		BY_SEGMENTS.put("invitations", ErrorCode.INVITATION_NOT_FOUND);
		BY_SEGMENTS.put("leases", ErrorCode.LEASE_NOT_FOUND);
		BY_SEGMENTS.put("mail-outbox", ErrorCode.MAIL_NOT_FOUND);
		BY_SEGMENTS.put("members", ErrorCode.MEMBER_NOT_FOUND);
		BY_SEGMENTS.put("operations", ErrorCode.OPERATION_NOT_FOUND);
		BY_SEGMENTS.put("organizations", ErrorCode.ORGANIZATION_NOT_FOUND);
		BY_SEGMENTS.put("overrides", ErrorCode.OVERRIDE_NOT_FOUND);
		BY_SEGMENTS.put("plans", ErrorCode.PLAN_NOT_FOUND);
		BY_SEGMENTS.put("sessions", ErrorCode.SESSION_NOT_FOUND);
		BY_SEGMENTS.put("webhook-endpoints", ErrorCode.WEBHOOK_ENDPOINT_NOT_FOUND);
	}

	private NotFound() {
	}

	/**
	 * The codes answered when a variable of {@code path} names nothing, in path order.
	 */
	static List<ErrorCode> codes(String path) {
		var codes = new ArrayList<ErrorCode>();
		if (path.equals("/v1/me") || path.startsWith("/v1/me/")) {
			// the account an access token names may be gone
			codes.add(ErrorCode.ACCOUNT_NOT_FOUND);
		}
		var segments = path.split("/");
		for (int i = 0; i < segments.length; i++) {
			if (!segments[i].startsWith("{")) {
				continue;
			}
			var before = String.join("/", List.of(segments).subList(0, i));
			BY_SEGMENTS.entrySet()
				.stream()
				.filter(entry -> before.endsWith("/" + entry.getKey()))
				.findFirst()
				.ifPresent(entry -> {
					if (!codes.contains(entry.getValue())) {
						codes.add(entry.getValue());
					}
				});
		}
		return codes;
	}

	/** The variables of {@code path} whose not-found code is not known here. */
	static List<String> unknownVariables(String path) {
		var unknown = new ArrayList<String>();
		var segments = path.split("/");
		for (int i = 0; i < segments.length; i++) {
			if (segments[i].startsWith("{")) {
				var before = String.join("/", List.of(segments).subList(0, i));
				if (BY_SEGMENTS.keySet().stream().noneMatch(key -> before.endsWith("/" + key))) {
					unknown.add(segments[i]);
				}
			}
		}
		return unknown;
	}

}
