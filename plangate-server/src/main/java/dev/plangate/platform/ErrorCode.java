package dev.plangate.platform;

import java.util.Locale;

import org.springframework.http.HttpStatus;

/**
 * Every failure Plangate answers with, each a stable machine-readable {@code code} and
 * its HTTP status. Clients (the SDK included) switch on the code, never on the message.
 */
public enum ErrorCode {

	// request shape
	MALFORMED_JSON(HttpStatus.BAD_REQUEST, "The request body is not valid JSON"),
	INVALID_REQUEST(HttpStatus.BAD_REQUEST, "The request has invalid fields"),
	UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, "A valid API key is required"),
	FORBIDDEN(HttpStatus.FORBIDDEN, "The credential may not do this"),
	NOT_FOUND(HttpStatus.NOT_FOUND, "No such resource"),
	METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
	NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "Cannot produce the requested media type"),
	UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
	PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "The request body is too large"),
	IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_CONTENT, "The Idempotency-Key was used for another request"),
	IDEMPOTENCY_KEY_IN_USE(HttpStatus.CONFLICT, "A request with this Idempotency-Key is in progress"),

	// catalog
	PLAN_NOT_FOUND(HttpStatus.NOT_FOUND, "No such plan"),
	PLAN_VERSION_NOT_FOUND(HttpStatus.NOT_FOUND, "No such plan version"),
	FEATURE_NOT_FOUND(HttpStatus.NOT_FOUND, "No such feature"),
	UNKNOWN_PLAN(HttpStatus.UNPROCESSABLE_CONTENT, "The request names a plan that does not exist"),
	INVALID_PLAN(HttpStatus.UNPROCESSABLE_CONTENT, "The plan definition is invalid"),
	PLAN_EXISTS(HttpStatus.CONFLICT, "A plan with this key exists"),
	PLAN_ARCHIVED(HttpStatus.CONFLICT, "The plan is archived"),
	DEFAULT_PLAN_REQUIRED(HttpStatus.CONFLICT, "The default plan cannot be archived"),

	// customers
	CUSTOMER_NOT_FOUND(HttpStatus.NOT_FOUND, "No such customer"),
	CUSTOMER_DELETED(HttpStatus.CONFLICT, "The customer is deleted"),
	CUSTOMER_KIND_IMMUTABLE(HttpStatus.CONFLICT, "A customer's kind cannot change"),
	INVALID_OVERRIDE(HttpStatus.UNPROCESSABLE_CONTENT, "The override does not fit the feature"),
	OVERRIDE_NOT_FOUND(HttpStatus.NOT_FOUND, "The customer has no override for this feature"),
	INVALID_ALERT_THRESHOLDS(HttpStatus.UNPROCESSABLE_CONTENT, "The alert thresholds do not fit the feature"),
	ALERT_THRESHOLDS_NOT_FOUND(HttpStatus.NOT_FOUND,
			"The customer has no alert thresholds of its own for this feature"),

	// subscriptions
	SUBSCRIPTION_NOT_CANCELABLE(HttpStatus.CONFLICT, "The subscription cannot be canceled"),
	NO_PENDING_CANCELLATION(HttpStatus.CONFLICT, "The subscription has no pending cancellation"),
	NO_PENDING_CHANGE(HttpStatus.CONFLICT, "The subscription has no plan change scheduled"),
	DOWNGRADE_BLOCKED(HttpStatus.CONFLICT, "The customer holds more than the plan allows"),

	// billing
	BILLING_PROVIDER_DISABLED(HttpStatus.NOT_FOUND, "This server takes no payments through this provider"),
	INVALID_SIGNATURE(HttpStatus.BAD_REQUEST, "The webhook's signature does not verify"),
	PLAN_NOT_FOR_SALE(HttpStatus.UNPROCESSABLE_CONTENT, "The plan is not sold through the payment provider"),
	NO_BILLING_CUSTOMER(HttpStatus.CONFLICT, "The customer has never paid through the payment provider"),
	ALREADY_SUBSCRIBED(HttpStatus.CONFLICT, "The customer already pays through a subscription"),
	PAYMENT_PROVIDER_REFUSED(HttpStatus.BAD_GATEWAY, "The payment provider refused the request"),
	PAYMENT_PROVIDER_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "The payment provider cannot be reached"),
	BILLING_EVENT_FAILED(HttpStatus.SERVICE_UNAVAILABLE, "Processing the payment provider's event failed"),
	BILLING_EVENT_NOT_FOUND(HttpStatus.NOT_FOUND, "No such payment provider event"),

	// enforcement decisions
	FEATURE_NOT_IN_PLAN(HttpStatus.PAYMENT_REQUIRED, "The customer's plan does not include this feature"),
	QUOTA_EXCEEDED(HttpStatus.PAYMENT_REQUIRED, "The customer's quota is used up"),
	SUBSCRIPTION_INACTIVE(HttpStatus.PAYMENT_REQUIRED, "The customer's subscription is not active"),
	CUSTOMER_SUSPENDED(HttpStatus.FORBIDDEN, "The customer is suspended"),
	RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "The customer made more requests than its plan allows"),
	RATE_LIMITER_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Rate limits cannot be decided right now"),
	CONCURRENCY_LIMIT_REACHED(HttpStatus.TOO_MANY_REQUESTS, "The customer holds all the slots its plan allows"),
	ALLOWANCE_NOT_FOUND(HttpStatus.NOT_FOUND, "The customer has no such allowance block"),
	ALLOWANCE_RETURNED(HttpStatus.CONFLICT, "The allowance block was given back already"),
	LEASE_NOT_FOUND(HttpStatus.NOT_FOUND, "No such lease: released, expired or never taken"),
	BATCH_NOT_FOUND(HttpStatus.NOT_FOUND, "The customer has no such batch"),
	BATCH_SIZE_EXCEEDED(HttpStatus.PAYMENT_REQUIRED, "The batch has more operations than the plan allows"),
	BATCH_FINISHED(HttpStatus.CONFLICT, "The batch has finished"),
	BATCH_NOT_CANCELLABLE(HttpStatus.CONFLICT, "The batch is undoing what it did and cannot be cancelled"),
	OPERATION_NOT_FOUND(HttpStatus.NOT_FOUND, "No such batch operation"),
	OPERATION_LEASE_LOST(HttpStatus.CONFLICT, "The worker no longer holds this operation"),
	GRANT_NOT_FOUND(HttpStatus.NOT_FOUND, "The customer has no such grant"),
	INVALID_GRANT(HttpStatus.UNPROCESSABLE_CONTENT, "The grant does not fit the feature"),
	GRANT_REVOKED(HttpStatus.CONFLICT, "The grant is revoked already"),
	UNKNOWN_FEATURE(HttpStatus.UNPROCESSABLE_CONTENT, "The request names a feature that does not exist"),
	FEATURE_KIND_NOT_SUPPORTED(HttpStatus.UNPROCESSABLE_CONTENT, "This feature is not decided by check and consume"),

	// metering
	INVALID_USAGE_EVENTS(HttpStatus.UNPROCESSABLE_CONTENT, "Usage events were refused"),
	LEDGER_BUSY(HttpStatus.SERVICE_UNAVAILABLE, "The usage ledger cannot take events right now"),

	// keys
	API_KEY_NOT_FOUND(HttpStatus.NOT_FOUND, "No such API key"),
	LAST_API_KEY(HttpStatus.CONFLICT, "The last active API key cannot be revoked"),

	// mail
	MAIL_NOT_FOUND(HttpStatus.NOT_FOUND, "No such mail in the outbox"),

	// webhooks
	WEBHOOK_ENDPOINT_NOT_FOUND(HttpStatus.NOT_FOUND, "No such webhook endpoint"),
	WEBHOOK_DELIVERY_NOT_FOUND(HttpStatus.NOT_FOUND, "The webhook endpoint has no such delivery"),
	INVALID_WEBHOOK_URL(HttpStatus.UNPROCESSABLE_CONTENT, "The webhook endpoint URL is not an http or https URL"),
	WEBHOOK_ADDRESS_FORBIDDEN(HttpStatus.UNPROCESSABLE_CONTENT,
			"The webhook endpoint URL reaches an internal address, which webhooks may not"),
	UNKNOWN_EVENT_TYPE(HttpStatus.UNPROCESSABLE_CONTENT, "The request names an event type that does not exist"),
	WEBHOOKS_NOT_IN_PLAN(HttpStatus.FORBIDDEN, "The customer's plan does not include webhooks"),

	// accounts
	INVALID_CREDENTIALS(HttpStatus.UNAUTHORIZED, "The login or the password is wrong"),
	SECOND_FACTOR_REQUIRED(HttpStatus.UNAUTHORIZED, "A second factor is required"),
	TOO_MANY_ATTEMPTS(HttpStatus.TOO_MANY_REQUESTS, "Too many attempts: try again later"),
	INVALID_REFRESH_TOKEN(HttpStatus.UNAUTHORIZED, "The refresh token is invalid, expired or revoked"),
	INVALID_ACCOUNT_TOKEN(HttpStatus.BAD_REQUEST, "The link is invalid, used or expired"),
	WEAK_PASSWORD(HttpStatus.UNPROCESSABLE_CONTENT, "The password is too weak"),
	USERNAME_TAKEN(HttpStatus.CONFLICT, "The username is taken"),
	EMAIL_NOT_VERIFIED(HttpStatus.FORBIDDEN, "The account's email address is not verified yet"),
	PASSWORD_CHANGE_REQUIRED(HttpStatus.FORBIDDEN, "The password must be changed first"),
	SESSION_NOT_FOUND(HttpStatus.NOT_FOUND, "No such session"),
	ACCOUNT_NOT_FOUND(HttpStatus.NOT_FOUND, "No such account"),
	TWO_FACTOR_REQUIRED(HttpStatus.FORBIDDEN, "Two-factor authentication must be on for this"),
	LAST_SUPERADMIN(HttpStatus.CONFLICT, "The last superadmin keeps its role"),

	// impersonation
	IMPERSONATION_NOT_ALLOWED(HttpStatus.FORBIDDEN, "This impersonation is not allowed"),
	IMPERSONATION_READ_ONLY(HttpStatus.FORBIDDEN, "A read-only impersonation changes nothing"),
	IMPERSONATION_NOT_FOUND(HttpStatus.NOT_FOUND, "No such impersonation"),

	// two-factor authentication
	INVALID_SECOND_FACTOR(HttpStatus.UNAUTHORIZED, "The code is wrong, expired or used already"),
	TWO_FACTOR_ENABLED(HttpStatus.CONFLICT, "Two-factor authentication is on already"),
	TWO_FACTOR_NOT_ENABLED(HttpStatus.CONFLICT, "Two-factor authentication is off"),
	TWO_FACTOR_NOT_ENROLLING(HttpStatus.CONFLICT, "No two-factor enrolment is in progress"),

	// personal API keys
	PERSONAL_API_KEY_NOT_FOUND(HttpStatus.NOT_FOUND, "The account has no such personal API key"),

	// organizations
	ORGANIZATION_NOT_FOUND(HttpStatus.NOT_FOUND, "No such organization among the account's"),
	MEMBER_NOT_FOUND(HttpStatus.NOT_FOUND, "No such member of the organization"),
	INVITATION_NOT_FOUND(HttpStatus.NOT_FOUND, "No such pending invitation"),
	INVALID_INVITATION(HttpStatus.BAD_REQUEST, "The invitation is invalid, used, revoked or expired"),
	INVITATION_EMAIL_MISMATCH(HttpStatus.FORBIDDEN, "The invitation is for another email address"),
	ALREADY_MEMBER(HttpStatus.CONFLICT, "The account is a member already"),
	LAST_OWNER(HttpStatus.CONFLICT, "An organization keeps at least one owner"),
	MEMBER_LIMIT_REACHED(HttpStatus.PAYMENT_REQUIRED, "The organization's plan allows no more members"),

	// event log
	EVENT_NOT_FOUND(HttpStatus.NOT_FOUND, "No such event"),

	HTTP_VERSION_NOT_SUPPORTED(HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "The HTTP version is not supported"),

	INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

	private final HttpStatus status;

	private final String title;

	ErrorCode(HttpStatus status, String title) {
		this.status = status;
		this.title = title;
	}

	/** The stable code, as it appears in the {@code code} member of a problem. */
	public String code() {
		return name().toLowerCase(Locale.ROOT);
	}

	public HttpStatus status() {
		return status;
	}

	public String title() {
		return title;
	}

	/** The code Plangate uses for an HTTP status raised by the framework. */
	public static ErrorCode forStatus(int status) {
		return switch (status) {
			case 400 -> INVALID_REQUEST;
			case 401 -> UNAUTHENTICATED;
			case 403 -> FORBIDDEN;
			case 404 -> NOT_FOUND;
			case 405 -> METHOD_NOT_ALLOWED;
			case 406 -> NOT_ACCEPTABLE;
			case 413 -> PAYLOAD_TOO_LARGE;
			case 415 -> UNSUPPORTED_MEDIA_TYPE;
			case 505 -> HTTP_VERSION_NOT_SUPPORTED;
			default -> status >= 500 ? INTERNAL : INVALID_REQUEST;
		};
	}

}
