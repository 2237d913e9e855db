package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;

import dev.plangate.billing.StripeEvents;
import dev.plangate.support.Api;
import dev.plangate.support.FreshSchema;

/**
 * The pages that change when Stripe takes the payments, in a real browser: the revenue
 * from invoices on the console's overview, and the portal's plans, with their *Change to
 * …* buttons, and billing, for a customer who already pays. Tagged {@code browser}.
 */
@FreshSchema
class BillingPagesBrowserTest extends BrowserTest {

	private static final String SECRET = "whsec_billing_pages_0123456789";

	private static final WireMockServer stripeApi = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	static {
		stripeApi.start();
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		StripeEvents.register(registry, "billing_pages_browser", "sk_test_billing_pages_0123456789", stripeApi.port(),
				SECRET);
		registry.add("plangate.redis-prefix", () -> "plangate:rl:billing-pages-browser-" + UUID.randomUUID() + ":");
	}

	@AfterAll
	static void stopStripe() {
		stripeApi.stop();
	}

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void anOperatorSeesTheRevenueFromInvoicesAndAPayingEndUserIsSentToBillingToChangePlan() {
		// given: a customer paying through Stripe, one invoice paid and one open
		var customer = newCustomer("billing-browser");
		deliver(StripeEvents.event("evt_bp_checkout", "checkout.session.completed", Instant.now(),
				StripeEvents.checkoutSession("cs_bp", customer, "cus_billing_pages", "sub_billing_pages")));
		var now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		deliver(StripeEvents.event("evt_bp_paid", "invoice.paid", Instant.now(),
				invoice("in_bp_paid", "paid", 2900, now.minusSeconds(120), now.minusSeconds(60))));
		deliver(StripeEvents.event("evt_bp_open", "invoice.finalized", Instant.now(),
				invoice("in_bp_open", "open", 2900, now.minusSeconds(30), null)));
		var operator = Operators.create(anonymous, jdbc, "billing-browser", "support", true, clock);
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
		var page = context.newPage();

		// when: the overview
		signIn(page, operator);
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Revenue from invoices")).waitFor();
		page.getByText("Invoiced and paid per month as a table").click();

		// then
		assertThat(page.locator("#revenue .figures").textContent()).contains("Invoiced, last 30 days", "58.00 USD",
				"Paid this month", "29.00 USD");
		assertThat(page.locator("#revenue-table tbody tr").count()).as("the last 12 months").isEqualTo(12);
		assertThat(page.locator("#revenue-table tbody tr").last().textContent()).contains("58.00 USD", "29.00 USD");
		assertAccessible(page, "overview with the revenue from invoices");
		screenshot(page, Path.of("target", "screenshots"), "console-overview-revenue.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "overview with the revenue from invoices, dark");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));

		// when: the end user, in a page of their own, opens the portal's plans and asks
		// for
		// another paid plan (the operator's overview refreshes itself every few seconds;
		// left
		// open while the portal's sign-in takes the browser's session, a refresh could be
		// sent
		// to the console's sign-in in the middle of opening the portal)
		var minted = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));
		assertThat(minted.status()).as(minted.toString()).isEqualTo(201);
		page.close();
		page = context.newPage();
		open(page, "/portal?token=" + minted.body().path("token").asString());
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Plans").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Plans").setExact(true)).waitFor();
		assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change to Pro")).isVisible())
			.isTrue();
		assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change to Free")).count())
			.as("a free plan needs no payment")
			.isZero();
		assertAccessible(page, "portal plans with billing");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change to Pro")).click();

		// then: who pays already changes plan under Billing, not through a second
		// checkout
		page.getByRole(AriaRole.ALERT).getByText("You already pay for a plan: change it under Billing").waitFor();
		assertThat(page.url()).endsWith("/portal/plans");
		assertAccessible(page, "portal plans, already paying");
		page.getByRole(AriaRole.NAVIGATION)
			.getByRole(AriaRole.LINK,
					new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Billing").setExact(true))
			.click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Billing").setExact(true)).waitFor();
		assertThat(
				page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Manage payment method and plan"))
					.isVisible())
			.isTrue();
		assertThat(page.locator("main table tbody").textContent()).contains("PLG-BP_PAID", "PLG-BP_OPEN", "paid",
				"open", "29.00 USD");
		assertAccessible(page, "portal billing");
		screenshot(page, Path.of("target", "screenshots"), "portal-billing.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "portal billing, dark");
		context.close();
	}

	private static Map<String, Object> invoice(String id, String status, long total, Instant finalizedAt,
			@Nullable Instant paidAt) {
		var invoice = StripeEvents.invoice(id, "cus_billing_pages", status, total, paidAt == null ? 0 : total,
				finalizedAt.minusSeconds(60), finalizedAt);
		var transitions = new LinkedHashMap<String, Object>();
		transitions.put("finalized_at", finalizedAt.getEpochSecond());
		if (paidAt != null) {
			transitions.put("paid_at", paidAt.getEpochSecond());
		}
		invoice.put("status_transitions", transitions);
		return invoice;
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
