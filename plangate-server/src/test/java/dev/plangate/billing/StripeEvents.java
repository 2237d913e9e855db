package dev.plangate.billing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.springframework.test.context.DynamicPropertyRegistry;

import com.stripe.Stripe;

import dev.plangate.support.Examples;
import dev.plangate.support.FreshDatabase;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stripe events as Stripe sends them: the JSON of its published objects, in the API
 * version the SDK is pinned to, signed by Stripe's scheme (HMAC-SHA256 of
 * {@code timestamp.payload} with the endpoint's secret, in a {@code Stripe-Signature}
 * header {@code t=…,v1=…}).
 */
public final class StripeEvents {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private StripeEvents() {
	}

	/**
	 * The settings every Stripe test starts its server with: a database of its own, the
	 * Stripe provider called at the stand-in on {@code stripePort} without retries, the
	 * webhook {@code webhookSecrets} (comma-separated) and the AI-assistant example
	 * catalog, whose plans carry Stripe prices.
	 */
	public static void register(DynamicPropertyRegistry registry, String database, String secretKey, int stripePort,
			String webhookSecrets) {
		FreshDatabase.register(registry, database);
		registry.add("plangate.stripe.secret-key", () -> secretKey);
		registry.add("plangate.stripe.api-base", () -> "http://localhost:" + stripePort);
		registry.add("plangate.stripe.retries", () -> "0");
		registry.add("plangate.catalog", () -> Examples.file("ai-assistant.yaml"));
		registry.add("plangate.billing.provider", () -> "stripe");
		registry.add("plangate.stripe.webhook-secret", () -> webhookSecrets);
	}

	/** The {@code Stripe-Signature} header of a payload signed at {@code at}. */
	public static String sign(String payload, String secret, Instant at) {
		long t = at.getEpochSecond();
		try {
			var mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			var digest = mac.doFinal((t + "." + payload).getBytes(StandardCharsets.UTF_8));
			return "t=" + t + ",v1=" + HexFormat.of().formatHex(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** An event around a Stripe object. */
	public static String event(String id, String type, Instant created, Map<String, Object> object) {
		var event = new LinkedHashMap<String, Object>();
		event.put("id", id);
		event.put("object", "event");
		event.put("api_version", Stripe.API_VERSION);
		event.put("created", created.getEpochSecond());
		event.put("livemode", false);
		event.put("pending_webhooks", 1);
		event.put("type", type);
		event.put("data", Map.of("object", object));
		return JSON.writeValueAsString(event);
	}

	/** A subscription of one item, as Stripe's subscription objects are. */
	static Map<String, Object> subscription(String id, String customer, String status, String price,
			Instant periodStart, Instant periodEnd, @Nullable String plangateCustomer) {
		var price_ = new LinkedHashMap<String, Object>();
		price_.put("id", price);
		price_.put("object", "price");
		price_.put("active", true);
		price_.put("currency", "usd");
		price_.put("recurring", Map.of("interval", "month", "interval_count", 1, "usage_type", "licensed"));
		price_.put("type", "recurring");
		price_.put("unit_amount", 2900);
		var item = new LinkedHashMap<String, Object>();
		item.put("id", "si_" + id.substring(4));
		item.put("object", "subscription_item");
		item.put("current_period_start", periodStart.getEpochSecond());
		item.put("current_period_end", periodEnd.getEpochSecond());
		item.put("price", price_);
		item.put("quantity", 1);
		item.put("subscription", id);
		var subscription = new LinkedHashMap<String, Object>();
		subscription.put("id", id);
		subscription.put("object", "subscription");
		subscription.put("billing_cycle_anchor", periodStart.getEpochSecond());
		subscription.put("cancel_at", null);
		subscription.put("cancel_at_period_end", false);
		subscription.put("created", periodStart.getEpochSecond());
		subscription.put("currency", "usd");
		subscription.put("customer", customer);
		subscription.put("items", Map.of("object", "list", "data", List.of(item), "has_more", false, "url",
				"/v1/subscription_items?subscription=" + id));
		subscription.put("livemode", false);
		subscription.put("metadata",
				plangateCustomer == null ? Map.of() : Map.of("plangate_customer_id", plangateCustomer));
		subscription.put("start_date", periodStart.getEpochSecond());
		subscription.put("status", status);
		subscription.put("trial_end", null);
		return subscription;
	}

	/** A completed Checkout Session in subscription mode. */
	public static Map<String, Object> checkoutSession(String id, String plangateCustomer, String customer,
			String subscription) {
		var session = new LinkedHashMap<String, Object>();
		session.put("id", id);
		session.put("object", "checkout.session");
		session.put("client_reference_id", plangateCustomer);
		session.put("customer", customer);
		session.put("mode", "subscription");
		session.put("payment_status", "paid");
		session.put("status", "complete");
		session.put("subscription", subscription);
		session.put("metadata", Map.of());
		return session;
	}

	/** An invoice of a subscription's period. */
	public static Map<String, Object> invoice(String id, String customer, String status, long total, long paid,
			Instant periodStart, Instant periodEnd) {
		var invoice = new LinkedHashMap<String, Object>();
		invoice.put("id", id);
		invoice.put("object", "invoice");
		invoice.put("number", "PLG-" + id.substring(3).toUpperCase(Locale.ROOT));
		invoice.put("status", status);
		invoice.put("currency", "usd");
		invoice.put("customer", customer);
		invoice.put("total", total);
		invoice.put("amount_due", total);
		invoice.put("amount_paid", paid);
		invoice.put("amount_remaining", total - paid);
		invoice.put("billing_reason", "subscription_cycle");
		invoice.put("created", periodStart.getEpochSecond());
		invoice.put("period_start", periodStart.getEpochSecond());
		invoice.put("period_end", periodEnd.getEpochSecond());
		invoice.put("hosted_invoice_url", "https://invoice.stripe.com/i/" + id);
		invoice.put("invoice_pdf", "https://pay.stripe.com/invoice/" + id + "/pdf");
		return invoice;
	}

}
