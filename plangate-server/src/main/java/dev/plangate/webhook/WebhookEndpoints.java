package dev.plangate.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.audit.AuditLog;
import dev.plangate.customer.CustomerService;
import dev.plangate.notify.Mail;
import dev.plangate.notify.MailOutbox;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.Page;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.SecretBox;
import dev.plangate.subscription.SubscriptionService;

/**
 * Webhook endpoints: their rules (URLs, types, the plan feature of customer endpoints),
 * their secrets, the delivery log and redeliveries. Every change is audited in its
 * transaction.
 */
@Service
class WebhookEndpoints {

	private static final Logger log = LoggerFactory.getLogger(WebhookEndpoints.class);

	static final int MAX_TYPES = 100;

	private final WebhookRepository repository;

	private final WebhookAddresses addresses;

	private final WebhookSettings settings;

	private final WebhookSignal signal;

	private final SecretBox box;

	private final AuditLog audit;

	private final CustomerService customers;

	private final SubscriptionService subscriptions;

	private final MailOutbox mail;

	private final ApplicationEventPublisher publisher;

	private final TransactionTemplate transactions;

	private final Clock clock;

	WebhookEndpoints(WebhookRepository repository, WebhookAddresses addresses, WebhookSettings settings,
			WebhookSignal signal, SecretBox box, AuditLog audit, CustomerService customers,
			SubscriptionService subscriptions, MailOutbox mail, ApplicationEventPublisher publisher,
			TransactionTemplate transactions, Clock clock) {
		this.repository = repository;
		this.addresses = addresses;
		this.settings = settings;
		this.signal = signal;
		this.box = box;
		this.audit = audit;
		this.customers = customers;
		this.subscriptions = subscriptions;
		this.mail = mail;
		this.publisher = publisher;
		this.transactions = transactions;
		this.clock = clock;
	}

	/** An endpoint as the API shows it; {@code secret} only on creation and rotation. */
	record WebhookEndpointView(UUID id, @Nullable String customerId, String url, String description,
			List<String> eventTypes, boolean enabled, @Nullable String disabledReason, String secretPrefix,
			@Nullable String secret, @Nullable Instant previousSecretExpiresAt, @Nullable Instant failingSince,
			Instant createdAt, Instant updatedAt) {

		static WebhookEndpointView of(WebhookEndpoint e, @Nullable String secret, Instant now) {
			var previous = e.previousUntil() != null && e.previousUntil().isAfter(now) ? e.previousUntil() : null;
			return new WebhookEndpointView(e.id(), e.customerId(), e.url(), e.description(), e.eventTypes(),
					e.enabled(), e.disabledReason(), e.secretPrefix(), secret, previous, e.failingSince(),
					e.createdAt(), e.updatedAt());
		}

		/** Without its secret: what an audit record and a replay show. */
		WebhookEndpointView withoutSecret() {
			return new WebhookEndpointView(id, customerId, url, description, eventTypes, enabled, disabledReason,
					secretPrefix, null, previousSecretExpiresAt, failingSince, createdAt, updatedAt);
		}

	}

	/** What a change may set; null leaves it. */
	record EndpointChanges(@Nullable String url, @Nullable String description, @Nullable List<String> eventTypes,
			@Nullable Boolean enabled) {
	}

	// checks

	/**
	 * The endpoint URL, checked: http(s), at most 2048 characters, reaching no internal
	 * address unless the settings allow them.
	 */
	private String checkedUrl(String url) {
		var stripped = url.strip();
		try {
			addresses.check(stripped);
			return stripped;
		}
		catch (WebhookAddresses.Refused ex) {
			var code = ex.address() ? ErrorCode.WEBHOOK_ADDRESS_FORBIDDEN : ErrorCode.INVALID_WEBHOOK_URL;
			throw new PlangateException(code, "The endpoint URL " + ex.getMessage(),
					List.of(new FieldError("url", ex.getMessage())))
				.with("url", stripped);
		}
	}

	private static List<String> checkedTypes(List<String> types) {
		if (types.isEmpty()) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST, "eventTypes lists no type; use [\"*\"] for all",
					List.of(new FieldError("eventTypes", "must list at least one type, or \"*\"")));
		}
		if (types.size() > MAX_TYPES) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST, "eventTypes lists more than " + MAX_TYPES,
					List.of(new FieldError("eventTypes", "must list at most " + MAX_TYPES + " types")));
		}
		var unknown = new ArrayList<FieldError>();
		var kept = new LinkedHashSet<String>();
		for (int i = 0; i < types.size(); i++) {
			var type = types.get(i) == null ? "" : types.get(i).strip();
			if (!EventTypes.isFilter(type)) {
				unknown.add(new FieldError("eventTypes[" + i + "]",
						"'" + type + "' is no event type of the catalog (docs/webhooks.md), nor '*' or 'prefix.*'"));
			}
			kept.add(type);
		}
		if (!unknown.isEmpty()) {
			throw new PlangateException(ErrorCode.UNKNOWN_EVENT_TYPE,
					"eventTypes names types that do not exist: " + unknown.get(0).message(), unknown);
		}
		return kept.contains(EventTypes.EVERY) ? List.of(EventTypes.EVERY) : List.copyOf(kept);
	}

	/**
	 * Refuses a customer whose plan does not grant the webhook feature
	 * ({@code plangate.webhooks.customer-feature}).
	 */
	void requireFeature(String customerId) {
		customers.getUndeleted(customerId);
		if (!granted(customerId)) {
			throw new PlangateException(ErrorCode.WEBHOOKS_NOT_IN_PLAN,
					"The plan of customer '" + customerId + "' does not include feature '" + settings.customerFeature()
							+ "', which webhook endpoints of a customer need")
				.with("customerId", customerId)
				.with("feature", settings.customerFeature());
		}
	}

	/**
	 * Whether the customer's plan grants the webhook feature now: checked when its
	 * endpoints are registered or changed, and again before each delivery to them, so
	 * that a downgrade stops them.
	 */
	boolean granted(String customerId) {
		var entitlement = subscriptions.entitlements(customerId).features().get(settings.customerFeature());
		return entitlement != null && (entitlement.enabled() || entitlement.unlimited()
				|| entitlement.limit() != null && entitlement.limit() > 0);
	}

	// endpoints

	WebhookEndpointView create(@Nullable String customerId, String url, @Nullable String description,
			@Nullable List<String> types, @Nullable Boolean enabled) {
		var checkedUrl = checkedUrl(url);
		var checkedTypes = checkedTypes(types == null ? List.of(EventTypes.EVERY) : types);
		if (customerId != null) {
			requireFeature(customerId);
		}
		var secret = WebhookSecret.generate();
		var id = UUID.randomUUID();
		var now = clock.instant();
		var endpoint = new WebhookEndpoint(id, customerId, checkedUrl, description == null ? "" : description.strip(),
				checkedTypes, enabled == null || enabled, null, seal(id, secret), secret.shown(), null, null, null, now,
				now);
		return transactions.execute(status -> {
			repository.insert(endpoint);
			var view = WebhookEndpointView.of(endpoint, secret.text(), now);
			audit.record("webhook_endpoint.created", "webhook_endpoint", id.toString(), null, view.withoutSecret());
			return view;
		});
	}

	WebhookEndpointView get(UUID id, @Nullable String customerId) {
		return WebhookEndpointView.of(find(id, customerId), null, clock.instant());
	}

	private WebhookEndpoint find(UUID id, @Nullable String customerId) {
		return repository.find(id)
			.filter(e -> customerId == null || customerId.equals(e.customerId()))
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.WEBHOOK_ENDPOINT_NOT_FOUND, "Webhook endpoint",
					id.toString()));
	}

	private WebhookEndpoint lock(UUID id, @Nullable String customerId) {
		return repository.lock(id)
			.filter(e -> customerId == null || customerId.equals(e.customerId()))
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.WEBHOOK_ENDPOINT_NOT_FOUND, "Webhook endpoint",
					id.toString()));
	}

	/** Oldest first. */
	Page<WebhookEndpointView> list(@Nullable String customerId, @Nullable String cursor, int limit) {
		Instant afterCreated = null;
		UUID afterId = null;
		if (cursor != null) {
			var parts = cursor.split("_", 2);
			try {
				afterCreated = Instant
					.parse(new String(java.util.Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
				afterId = UUID.fromString(parts[1]);
			}
			catch (RuntimeException ex) {
				throw new PlangateException(ErrorCode.INVALID_REQUEST, "The cursor is not one this list answered",
						List.of(new FieldError("cursor", "is not a cursor of this list")));
			}
		}
		var rows = repository.list(customerId, afterCreated, afterId, limit);
		var now = clock.instant();
		String next = null;
		if (rows.size() > limit) {
			var last = rows.get(limit - 1);
			next = java.util.Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(last.createdAt().toString().getBytes(StandardCharsets.UTF_8)) + "_" + last.id();
		}
		return new Page<>(rows.subList(0, Math.min(limit, rows.size()))
			.stream()
			.map(e -> WebhookEndpointView.of(e, null, now))
			.toList(), next);
	}

	WebhookEndpointView update(UUID id, @Nullable String customerId, EndpointChanges changes) {
		var url = changes.url() == null ? null : checkedUrl(changes.url());
		var types = changes.eventTypes() == null ? null : checkedTypes(changes.eventTypes());
		if (customerId != null) {
			requireFeature(customerId);
		}
		return transactions.execute(status -> {
			var before = lock(id, customerId);
			var now = clock.instant();
			boolean enabled = changes.enabled() == null ? before.enabled() : changes.enabled();
			var after = new WebhookEndpoint(before.id(), before.customerId(), url == null ? before.url() : url,
					changes.description() == null ? before.description() : changes.description().strip(),
					types == null ? before.eventTypes() : types, enabled, enabled ? null : before.disabledReason(),
					before.secret(), before.secretPrefix(), before.previousSecret(), before.previousUntil(),
					enabled && !before.enabled() ? null : before.failingSince(), before.createdAt(), now);
			repository.update(after);
			var view = WebhookEndpointView.of(after, null, now);
			audit.record("webhook_endpoint.updated", "webhook_endpoint", id.toString(),
					WebhookEndpointView.of(before, null, now), view);
			if (enabled && !before.enabled()) {
				// deliveries kept waiting while it was disabled go now
				repository.requeuePending(id, now);
				signal.wakeAfterCommit();
			}
			return view;
		});
	}

	WebhookEndpointView delete(UUID id, @Nullable String customerId) {
		return transactions.execute(status -> {
			var before = lock(id, customerId);
			var view = WebhookEndpointView.of(before, null, clock.instant());
			repository.delete(id);
			audit.record("webhook_endpoint.deleted", "webhook_endpoint", id.toString(), view, null);
			return view;
		});
	}

	/**
	 * A new secret, shown in the answer only; the old one signs too for {@code overlap}
	 * (the setting's when null), so receivers can move to the new one without missing a
	 * delivery.
	 */
	WebhookEndpointView rotate(UUID id, @Nullable String customerId, @Nullable Duration overlap) {
		if (customerId != null) {
			requireFeature(customerId);
		}
		var keep = overlap == null ? settings.secretOverlap() : overlap;
		var secret = WebhookSecret.generate();
		return transactions.execute(status -> {
			var before = lock(id, customerId);
			var now = clock.instant();
			var after = new WebhookEndpoint(before.id(), before.customerId(), before.url(), before.description(),
					before.eventTypes(), before.enabled(), before.disabledReason(), seal(id, secret), secret.shown(),
					keep.isZero() ? null : before.secret(), keep.isZero() ? null : now.plus(keep),
					before.failingSince(), before.createdAt(), now);
			repository.update(after);
			var view = WebhookEndpointView.of(after, secret.text(), now);
			audit.record("webhook_endpoint.secret_rotated", "webhook_endpoint", id.toString(),
					Map.of("secretPrefix", before.secretPrefix()),
					Map.of("secretPrefix", after.secretPrefix(), "overlapSeconds", keep.toSeconds()));
			return view;
		});
	}

	private String seal(UUID endpoint, WebhookSecret secret) {
		return box.encrypt(secret.text(), purpose(endpoint));
	}

	private static String purpose(UUID endpoint) {
		return "webhook_secret:" + endpoint;
	}

	/**
	 * The secrets that sign its deliveries now: the current one, and the previous in its
	 * overlap.
	 */
	List<WebhookSecret> signingSecrets(WebhookEndpoint endpoint) {
		var secrets = new ArrayList<WebhookSecret>();
		secrets.add(new WebhookSecret(box.decrypt(endpoint.secret(), purpose(endpoint.id()))));
		if (endpoint.previousSecret() != null && endpoint.previousUntil() != null
				&& endpoint.previousUntil().isAfter(clock.instant())) {
			secrets.add(new WebhookSecret(box.decrypt(endpoint.previousSecret(), purpose(endpoint.id()))));
		}
		return secrets;
	}

	// deliveries

	Page<WebhookRepository.WebhookDelivery> deliveries(UUID id, @Nullable String customerId, @Nullable Long cursor,
			int limit) {
		find(id, customerId);
		var rows = repository.deliveries(id, cursor, null, limit);
		String next = rows.size() > limit ? String.valueOf(rows.get(limit - 1).id()) : null;
		return new Page<>(rows.subList(0, Math.min(limit, rows.size())), next);
	}

	/** Queues one delivery again, due now. */
	WebhookRepository.WebhookDelivery retry(UUID id, @Nullable String customerId, long deliveryId) {
		if (customerId != null) {
			requireFeature(customerId);
		}
		return transactions.execute(status -> {
			find(id, customerId);
			var delivery = repository.deliveries(id, null, deliveryId, 1)
				.stream()
				.findFirst()
				.orElseThrow(() -> PlangateException.notFound(ErrorCode.WEBHOOK_DELIVERY_NOT_FOUND,
						"Delivery of the endpoint", Long.toString(deliveryId)));
			repository.requeue(delivery.eventId(), id, clock.instant());
			audit.record("webhook_delivery.retried", "webhook_endpoint", id.toString(), null,
					Map.of("delivery", deliveryId, "eventId", delivery.eventId().toString()));
			signal.wakeAfterCommit();
			return repository.deliveries(id, null, deliveryId, 1).get(0);
		});
	}

	/**
	 * Queues again every event of {@code [from, to)} the endpoint takes; answers how
	 * many.
	 */
	int redeliver(UUID id, @Nullable String customerId, Instant from, Instant to) {
		if (!from.isBefore(to)) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST, "'from' must be before 'to'",
					List.of(new FieldError("to", "must be after 'from'")));
		}
		if (customerId != null) {
			requireFeature(customerId);
		}
		Integer queued = transactions.execute(status -> {
			var endpoint = lock(id, customerId);
			int n = repository.requeueRange(endpoint, from, to, clock.instant());
			var range = new LinkedHashMap<String, Object>();
			range.put("from", from.toString());
			range.put("to", to.toString());
			range.put("queued", n);
			audit.record("webhook_endpoint.redelivered", "webhook_endpoint", id.toString(), null, range);
			signal.wakeAfterCommit();
			return n;
		});
		return queued == null ? 0 : queued;
	}

	/**
	 * Disables the endpoint if its deliveries have all failed for
	 * {@code plangate.webhooks.disable-after}: audited, told as the event
	 * {@code webhook_endpoint.disabled}, and mailed to the operator.
	 */
	void disableIfFailingThroughout(UUID id) {
		var now = clock.instant();
		var cutoff = now.minus(settings.disableAfter());
		var disabled = transactions.execute(status -> {
			var before = repository.lock(id).orElse(null);
			if (before == null || !before.enabled() || before.failingSince() == null
					|| before.failingSince().isAfter(cutoff)) {
				return null;
			}
			var reason = "Every delivery failed from " + before.failingSince() + " to " + now + " ("
					+ dev.plangate.platform.Settings.show(settings.disableAfter()) + " or more)";
			var after = new WebhookEndpoint(before.id(), before.customerId(), before.url(), before.description(),
					before.eventTypes(), false, reason, before.secret(), before.secretPrefix(), before.previousSecret(),
					before.previousUntil(), before.failingSince(), before.createdAt(), now);
			repository.update(after);
			var view = WebhookEndpointView.of(after, null, now);
			audit.record("webhook_endpoint.disabled", "webhook_endpoint", id.toString(),
					WebhookEndpointView.of(before, null, now), view);
			publisher.publishEvent(new OutboundEvent(EventTypes.ENDPOINT_DISABLED, after.customerId(), view));
			if (!settings.operatorEmail().isEmpty()) {
				mail.send(new Mail(settings.operatorEmail(), "Webhook endpoint disabled: " + after.url(),
						"The webhook endpoint " + after.id() + " (" + after.url() + ")"
								+ (after.customerId() == null ? "" : " of customer " + after.customerId())
								+ " is disabled: " + reason + ".\n\nIts deliveries wait. Once it answers again, "
								+ "enable it with PATCH /v1/webhook-endpoints/" + after.id()
								+ " {\"enabled\": true}; they are then delivered.\n",
						null));
			}
			return after;
		});
		if (disabled != null) {
			log.warn("Webhook endpoint {} ({}) disabled: {}", disabled.id(), disabled.url(), disabled.disabledReason());
		}
	}

}
