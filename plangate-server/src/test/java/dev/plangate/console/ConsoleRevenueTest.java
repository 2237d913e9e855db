package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import dev.plangate.billing.StripeEvents;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * The amounts invoiced and paid, from invoices Stripe's webhooks mirror, per currency and
 * calendar month (UTC), as {@code GET /v1/admin/stats/revenue} and on the console's
 * overview.
 */
@FreshSchema
class ConsoleRevenueTest extends ServerTest {

	private static final String SECRET = "whsec_revenue_0123456789";

	private static final WireMockServer stripeApi = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	static {
		stripeApi.start();
	}

	@DynamicPropertySource
	static void stripe(DynamicPropertyRegistry registry) {
		StripeEvents.register(registry, "console_revenue", "sk_test_revenue_0123456789", stripeApi.port(), SECRET);
	}

	@AfterAll
	static void stopStripe() {
		stripeApi.stop();
	}

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	private int events;

	@Test
	void paidInvoicesCountByPaidMonthAndCurrencyVoidAndUncollectibleOnesBringNothing() {
		// given: two Stripe customers, one paying in US dollars, one in euros
		var now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		var thisMonth = YearMonth.from(now.atZone(ZoneOffset.UTC));
		var monthStart = thisMonth.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
		var firstMonthStart = thisMonth.minusMonths(11).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
		var dollars = newCustomer("revenue-usd");
		var euros = newCustomer("revenue-eur");
		link(dollars, "cus_revenue_usd");
		link(euros, "cus_revenue_eur");

		// when: finalized in the month before, paid on the first second of this one
		invoice("in_rev_edge_in", "cus_revenue_usd", "usd", "paid", 1000, monthStart.minusSeconds(1), monthStart);
		// finalized and paid on the last second of the month before
		invoice("in_rev_edge_out", "cus_revenue_usd", "usd", "paid", 2000, monthStart.minusSeconds(1),
				monthStart.minusSeconds(1));
		// voided, and uncollectible, this month
		invoice("in_rev_void", "cus_revenue_usd", "usd", "void", 5000, now.minusSeconds(120), null);
		invoice("in_rev_uncollectible", "cus_revenue_usd", "usd", "uncollectible", 700, now.minusSeconds(60), null);
		// paid on the first second of the oldest month counted, and the second before it
		invoice("in_rev_oldest", "cus_revenue_usd", "usd", "paid", 300, firstMonthStart, firstMonthStart);
		invoice("in_rev_too_old", "cus_revenue_usd", "usd", "paid", 50, firstMonthStart.minusSeconds(1),
				firstMonthStart.minusSeconds(1));
		// in euros: paid an hour ago, and 31 days ago
		invoice("in_rev_eur_now", "cus_revenue_eur", "eur", "paid", 3000, now.minusSeconds(7200),
				now.minusSeconds(3600));
		var monthAgo = now.minus(Duration.ofDays(31));
		invoice("in_rev_eur_old", "cus_revenue_eur", "eur", "paid", 400, monthAgo, monthAgo);
		// an open invoice, finalized this month and not paid
		invoice("in_rev_open", "cus_revenue_eur", "eur", "open", 900, now.minusSeconds(30), null);
		var stats = api.get("/v1/admin/stats/revenue");

		// then
		assertThat(stats.status()).as(stats.toString()).isEqualTo(200);
		var body = stats.body();
		assertThat(body.path("provider").asString()).isEqualTo("stripe");
		assertThat(body.path("invoices").asBoolean()).isTrue();
		var months = body.path("months");
		assertThat(months.size()).isEqualTo(12);
		assertThat(months.get(0).path("month").asString()).isEqualTo(thisMonth.minusMonths(11).toString());
		assertThat(months.get(11).path("month").asString()).isEqualTo(thisMonth.toString());

		var current = amounts(months.get(11).path("paid"));
		assertThat(current.get("USD")).as("paid on the month's first second").isEqualTo(1000);
		var currentInvoiced = amounts(months.get(11).path("invoiced"));
		assertThat(currentInvoiced.get("USD")).as("the uncollectible invoice, not the void one").isEqualTo(700);
		assertThat(current.get("EUR")).as("31 days ago is in an earlier month").isEqualTo(3000);
		assertThat(currentInvoiced.get("EUR")).as("the open invoice too").isEqualTo(3900);

		var before = months.get(10);
		assertThat(amounts(before.path("paid")).get("USD")).as("paid on the month's last second").isEqualTo(2000);
		assertThat(amounts(before.path("invoiced")).get("USD")).isEqualTo(3000);

		var oldest = months.get(0);
		assertThat(amounts(oldest.path("paid")).get("USD")).as("the second before the oldest month left out")
			.isEqualTo(300);
		var paidInAll = 0L;
		for (var month : months) {
			paidInAll += amounts(month.path("paid")).getOrDefault("USD", 0L);
		}
		assertThat(paidInAll).as("void, uncollectible and too old invoices bring nothing").isEqualTo(3300);

		var lately = body.path("lastThirtyDays");
		assertThat(amounts(lately.path("paid")).get("EUR")).as("the euros of 31 days ago left out").isEqualTo(3000);
		assertThat(amounts(lately.path("invoiced")).get("EUR")).isEqualTo(3900);
		// (the month's edges are in the last 30 days unless today is its 31st)
		var thirtyDaysAgo = now.minus(Duration.ofDays(30));
		long edgeOut = monthStart.minusSeconds(1).isAfter(thirtyDaysAgo) ? 2000 : 0;
		long edgeIn = monthStart.isAfter(thirtyDaysAgo) ? 1000 : 0;
		assertThat(amounts(lately.path("invoiced")).get("USD")).as("nothing void")
			.isEqualTo(700 + (edgeOut > 0 ? 1000 + 2000 : 0));
		assertThat(amounts(lately.path("paid")).getOrDefault("USD", 0L)).isEqualTo(edgeIn + edgeOut);

		// and the overview shows them to an operator
		var operator = Operators.create(anonymous, jdbc, "console-revenue", "support", true, clock);
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(operator.email(), operator.password(), operator.nextCode()).status()).isEqualTo(302);
		var page = browser.get("/console");
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		assertThat(page.body()).contains("Revenue from invoices", "Invoiced, last 30 days", "Paid this month",
				"id=\"revenue-table\"", "30.00 EUR", "10.00 USD", "GET /v1/admin/stats/revenue");
		assertThat(page.body().substring(page.body().indexOf("id=\"revenue-table\"")))
			.contains("<th scope=\"row\">" + thisMonth + "</th>");
	}

	private static Map<String, Long> amounts(JsonNode list) {
		var amounts = new java.util.LinkedHashMap<String, Long>();
		list.forEach(amount -> amounts.put(amount.path("currency").asString(), amount.path("amount").asLong()));
		return amounts;
	}

	private void link(String customerId, String stripeCustomer) {
		deliver(StripeEvents.event("evt_rev_link_" + stripeCustomer, "checkout.session.completed", Instant.now(),
				StripeEvents.checkoutSession("cs_" + stripeCustomer, customerId, stripeCustomer,
						"sub_" + stripeCustomer)));
	}

	/**
	 * An invoice's finalized and, if paid, its paid state, each from an event of its own.
	 */
	private void invoice(String id, String stripeCustomer, String currency, String status, long total,
			Instant finalizedAt, @Nullable Instant paidAt) {
		var object = StripeEvents.invoice(id, stripeCustomer, status, total, status.equals("paid") ? total : 0,
				finalizedAt.minusSeconds(60), finalizedAt);
		object.put("currency", currency);
		var transitions = new java.util.LinkedHashMap<String, Object>();
		transitions.put("finalized_at", finalizedAt.getEpochSecond());
		if (paidAt != null) {
			transitions.put("paid_at", paidAt.getEpochSecond());
		}
		object.put("status_transitions", transitions);
		var type = switch (status) {
			case "paid" -> "invoice.paid";
			case "void" -> "invoice.voided";
			case "uncollectible" -> "invoice.marked_uncollectible";
			default -> "invoice.finalized";
		};
		deliver(StripeEvents.event("evt_rev_" + (++events), type, Instant.now(), object));
	}

	private void deliver(String payload) {
		var response = anonymous.sendRaw("POST", "/v1/billing/stripe/webhook",
				java.net.http.HttpRequest.BodyPublishers.ofString(payload),
				Map.of("Content-Type", "application/json; charset=utf-8", "Stripe-Signature",
						StripeEvents.sign(payload, SECRET, Instant.now())));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("outcome").asString()).as(response.toString()).isEqualTo("processed");
	}

}
