package dev.plangate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import dev.plangate.support.Api;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Overage billed once through Stripe: the ended period's charge goes to Stripe as one
 * invoice item of the overage's price, under an idempotency key of the charge's, however
 * many runs of the job race.
 */
@FreshSchema
@Import(OverageStripeTest.Clocks.class)
class OverageStripeTest extends ServerTest {

	private static final String SECRET = "whsec_overage_secret_0123456789";

	private static final Instant START = Instant.parse("2027-03-10T00:00:00Z");

	/** Stripe's API, as far as Plangate calls it. */
	private static final WireMockServer stripeApi = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	static {
		stripeApi.start();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(START);
		}

	}

	@DynamicPropertySource
	static void stripe(DynamicPropertyRegistry registry) {
		StripeEvents.register(registry, "overage_stripe", "sk_test_plangate_overage", stripeApi.port(), SECRET);
	}

	@AfterAll
	static void stopStripe() {
		stripeApi.stop();
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private Charges charges;

	/** Delivers a Stripe event signed now, by the server's clock. */
	private void deliver(String payload) {
		var response = anonymous.sendRaw("POST", "/v1/billing/stripe/webhook",
				java.net.http.HttpRequest.BodyPublishers.ofString(payload),
				Map.of("Content-Type", "application/json; charset=utf-8", "Stripe-Signature",
						StripeEvents.sign(payload, SECRET, clock.instant())));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	/**
	 * A customer linked to Stripe customer {@code stripeCustomer} that used 4 queries
	 * beyond an allowance of 5 in its current period.
	 */
	private String customerWithOverage(String stripeCustomer) {
		clock.set(START);
		var customer = newCustomer("overage-stripe");
		deliver(StripeEvents.event("evt_" + stripeCustomer, "checkout.session.completed", clock.instant(), StripeEvents
			.checkoutSession("cs_" + stripeCustomer, customer, stripeCustomer, "sub_" + stripeCustomer)));
		var override = api.put("/v1/customers/" + customer + "/overrides/queries",
				"{\"value\":{\"limit\":5,\"overage\":{\"price\":2,\"stripePrice\":\"price_assistant_queries_overage\"}}}");
		assertThat(override.status()).as(override.toString()).isEqualTo(200);
		var consumed = api.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", "queries", "amount",
				9, "idempotencyKey", UUID.randomUUID().toString())));
		assertThat(consumed.body().path("overageUnits").asLong()).as(consumed.toString()).isEqualTo(4);
		return customer;
	}

	private JsonNode chargesOf(String customer) {
		var response = api.get("/v1/customers/" + customer + "/charges");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data");
	}

	@Test
	void racingJobRunsSendTheEndedPeriodsOverageToStripeOnce() throws Exception {
		// given
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoiceitems"))
			.willReturn(WireMock.okJson("{\"id\":\"ii_overage_1\",\"object\":\"invoiceitem\"}")
				.withHeader("Request-Id", "req_test")));
		var customer = customerWithOverage("cus_overage_1");
		clock.advance(Duration.ofDays(45));
		Callable<Integer> run = charges::run;

		// when
		Race.times(3, run);
		charges.run();

		// then
		var list = chargesOf(customer);
		assertThat(list).hasSize(1);
		var charge = list.get(0);
		assertThat(charge.path("status").asString()).isEqualTo("invoiced");
		assertThat(charge.path("quantity").asLong()).isEqualTo(4);
		assertThat(charge.path("amount").asLong()).isEqualTo(8);
		assertThat(charge.path("stripeInvoiceItemId").asString()).isEqualTo("ii_overage_1");
		var id = charge.path("id").asString();
		stripeApi.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/invoiceitems")));
		stripeApi.verify(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/invoiceitems"))
			.withHeader("Idempotency-Key", WireMock.equalTo("plangate-charge-" + id))
			.withRequestBody(WireMock.containing("customer=cus_overage_1"))
			.withRequestBody(WireMock.containing("pricing[price]=price_assistant_queries_overage"))
			.withRequestBody(WireMock.containing("quantity=4"))
			.withRequestBody(WireMock.containing("metadata[plangate_charge_id]=" + id)));
	}

	@Test
	void overageOfACustomerWhoseSubscriptionEndedIsInvoicedAtOnceSinceNoRenewalWouldCarryIt() {
		// given: the overage, then the Stripe subscription ended
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoiceitems"))
			.willReturn(WireMock.okJson("{\"id\":\"ii_overage_ended\",\"object\":\"invoiceitem\"}")));
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoices"))
			.willReturn(WireMock.okJson("{\"id\":\"in_overage_ended\",\"object\":\"invoice\"}")));
		var customer = customerWithOverage("cus_overage_ended");
		deliver(StripeEvents.event("evt_overage_ended_deleted", "customer.subscription.deleted", clock.instant(),
				StripeEvents.subscription("sub_cus_overage_ended", "cus_overage_ended", "canceled",
						"price_assistant_starter_monthly", START, START.plus(Duration.ofDays(30)), customer)));
		clock.advance(Duration.ofDays(45));

		// when
		charges.run();

		// then
		var charge = chargesOf(customer).get(0);
		assertThat(charge.path("status").asString()).isEqualTo("invoiced");
		assertThat(charge.path("stripeInvoiceId").asString()).isEqualTo("in_overage_ended");
		stripeApi.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/invoices"))
			.withHeader("Idempotency-Key", WireMock.equalTo("plangate-charge-invoice-" + charge.path("id").asString()))
			.withRequestBody(WireMock.containing("customer=cus_overage_ended"))
			.withRequestBody(WireMock.containing("pending_invoice_items_behavior=include"))
			.withRequestBody(WireMock.containing("auto_advance=true")));
	}

	@Test
	void aChargeStripeRefusesIsFailedWithItsReasonShownToOperatorsOnly() {
		// given
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoiceitems"))
			.willReturn(WireMock.aResponse()
				.withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"resource_missing\","
						+ "\"message\":\"No such price: 'price_assistant_queries_overage'\"}}")));
		var customer = customerWithOverage("cus_overage_refused");
		clock.advance(Duration.ofDays(45));
		var token = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)))
			.body()
			.path("token")
			.asString();

		// when
		charges.run();

		// then
		var charge = chargesOf(customer).get(0);
		assertThat(charge.path("status").asString()).isEqualTo("failed");
		assertThat(charge.path("failure").asString()).contains("No such price");
		var own = anonymous.send("GET", "/v1/me/charges", null, Map.of("Authorization", "Bearer " + token));
		assertThat(own.status()).as(own.toString()).isEqualTo(200);
		var seen = own.body().path("data").get(0);
		assertThat(seen.path("status").asString()).isEqualTo("failed");
		assertThat(seen.has("failure")).isFalse();
	}

	@Test
	void aChargeStripeCouldNotBeReachedForIsSentAgainUnderTheSameKey() {
		// given: Stripe fails the first time
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoiceitems"))
			.willReturn(WireMock.aResponse()
				.withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
		var customer = customerWithOverage("cus_overage_2");
		clock.advance(Duration.ofDays(45));
		charges.run();
		var pending = chargesOf(customer).get(0);
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoiceitems"))
			.willReturn(WireMock.okJson("{\"id\":\"ii_overage_2\",\"object\":\"invoiceitem\"}")));

		// when: a later run, once the claim has timed out
		clock.advance(Duration.ofMinutes(3));
		charges.run();

		// then
		assertThat(pending.path("status").asString()).isEqualTo("pending");
		var charge = chargesOf(customer).get(0);
		assertThat(charge.path("status").asString()).isEqualTo("invoiced");
		stripeApi.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/invoiceitems"))
			.withHeader("Idempotency-Key", WireMock.equalTo("plangate-charge-" + pending.path("id").asString())));
	}

	/** A customer linked to Stripe customer {@code stripeCustomer}, allowed 5 queries. */
	private String linkedCustomer(String stripeCustomer) {
		clock.set(START);
		var customer = newCustomer("grant-stripe");
		deliver(StripeEvents.event("evt_" + stripeCustomer, "checkout.session.completed", clock.instant(), StripeEvents
			.checkoutSession("cs_" + stripeCustomer, customer, stripeCustomer, "sub_" + stripeCustomer)));
		var override = api.put("/v1/customers/" + customer + "/overrides/queries", "{\"value\":5}");
		assertThat(override.status()).as(override.toString()).isEqualTo(200);
		return customer;
	}

	private Api.Response pricedGrant(String customer, String payment) {
		return api.post("/v1/customers/" + customer + "/grants", Api.json(Map.of("feature", "queries", "amount", 100,
				"reason", "emergency pool", "price", Map.of("amount", 4900, "currency", "USD"), "payment", payment)));
	}

	private Api.Response consume(String customer, long amount) {
		return api.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", "queries", "amount", amount,
				"idempotencyKey", UUID.randomUUID().toString())));
	}

	@Test
	void anImmediatePricedGrantIsInvoicedOnceAndDrawnOnOnlyOnceStripeSaysItIsPaid() {
		// given
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoices"))
			.willReturn(WireMock.okJson("{\"id\":\"in_grant_1\",\"object\":\"invoice\"}")));
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoiceitems"))
			.willReturn(WireMock.okJson("{\"id\":\"ii_grant_1\",\"object\":\"invoiceitem\"}")));
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoices/in_grant_1/finalize"))
			.willReturn(WireMock.okJson("{\"id\":\"in_grant_1\",\"object\":\"invoice\",\"status\":\"open\"}")));
		var customer = linkedCustomer("cus_grant_1");
		assertThat(consume(customer, 5).status()).isEqualTo(200);

		// when
		var created = pricedGrant(customer, "immediate");
		var beforePayment = consume(customer, 1);
		deliver(StripeEvents.event("evt_grant_paid_1", "invoice.paid", clock.instant(),
				StripeEvents.invoice("in_grant_1", "cus_grant_1", "paid", 4900, 4900, START, START)));
		var afterPayment = consume(customer, 1);

		// then
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.body().path("status").asString()).isEqualTo("awaiting_payment");
		assertThat(created.body().path("price").path("amount").asLong()).isEqualTo(4900);
		assertThat(beforePayment.status()).as(beforePayment.toString()).isEqualTo(402);
		assertThat(afterPayment.status()).as(afterPayment.toString()).isEqualTo(200);
		assertThat(afterPayment.body().path("fromGrants").asLong()).isEqualTo(1);
		var grantId = created.body().path("id").asString();
		var grant = api.get("/v1/customers/" + customer + "/grants/" + grantId).body();
		assertThat(grant.path("status").asString()).isEqualTo("active");
		var charge = chargesOf(customer).get(0);
		assertThat(charge.path("kind").asString()).isEqualTo("grant");
		assertThat(charge.path("grantId").asString()).isEqualTo(grantId);
		assertThat(charge.path("status").asString()).isEqualTo("paid");
		assertThat(charge.path("amount").asLong()).isEqualTo(4900);
		assertThat(charge.path("stripeInvoiceId").asString()).isEqualTo("in_grant_1");
		var told = api.get("/v1/customers/" + customer + "/events?type=grant.*").body().path("data");
		assertThat(told.findValuesAsString("type")).containsExactly("grant.paid", "grant.created");
		assertThat(told.get(1).path("data").path("status").asString()).isEqualTo("awaiting_payment");
		assertThat(told.get(0).path("data").path("status").asString()).isEqualTo("active");
		assertThat(told.get(0).path("data").path("id").asString()).isEqualTo(grantId);
		stripeApi.verify(1,
				WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/invoices"))
					.withHeader("Idempotency-Key", WireMock.equalTo("plangate-grant-invoice-" + grantId))
					.withRequestBody(WireMock.containing("customer=cus_grant_1"))
					.withRequestBody(WireMock.containing("collection_method=charge_automatically"))
					.withRequestBody(WireMock.containing("pending_invoice_items_behavior=exclude"))
					.withRequestBody(WireMock.containing("auto_advance=false"))
					.withRequestBody(WireMock.containing("metadata[plangate_grant_id]=" + grantId)));
		stripeApi.verify(1,
				WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/invoiceitems"))
					.withHeader("Idempotency-Key", WireMock.equalTo("plangate-grant-" + grantId))
					.withRequestBody(WireMock.containing("customer=cus_grant_1"))
					.withRequestBody(WireMock.containing("invoice=in_grant_1"))
					.withRequestBody(WireMock.containing("amount=4900"))
					.withRequestBody(WireMock.containing("currency=usd")));
		stripeApi.verify(1,
				WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/invoices/in_grant_1/finalize"))
					.withHeader("Idempotency-Key", WireMock.equalTo("plangate-grant-finalize-" + grantId))
					.withRequestBody(WireMock.containing("auto_advance=true")));
	}

	@Test
	void aPricedGrantWhoseInvoiceCannotBeFinalizedIsNotMadeAndItsDraftIsDeletedSoNothingIsCharged() {
		// given
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoices"))
			.willReturn(WireMock.okJson("{\"id\":\"in_grant_3\",\"object\":\"invoice\"}")));
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoiceitems"))
			.willReturn(WireMock.okJson("{\"id\":\"ii_grant_3\",\"object\":\"invoiceitem\"}")));
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoices/in_grant_3/finalize"))
			.willReturn(WireMock.aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoices/in_grant_3/void"))
			.willReturn(WireMock.aResponse()
				.withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"invoice_not_open\","
						+ "\"message\":\"You can only pass in open invoices.\"}}")));
		stripeApi.stubFor(WireMock.delete(WireMock.urlPathEqualTo("/v1/invoices/in_grant_3"))
			.willReturn(WireMock.okJson("{\"id\":\"in_grant_3\",\"object\":\"invoice\",\"deleted\":true}")));
		var customer = linkedCustomer("cus_grant_3");

		// when
		var refused = pricedGrant(customer, "immediate");

		// then
		assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
		assertThat(refused.code()).isEqualTo("payment_provider_unavailable");
		assertThat(api.get("/v1/customers/" + customer + "/grants").body().path("data")).isEmpty();
		assertThat(chargesOf(customer)).isEmpty();
		stripeApi.verify(1, WireMock.deleteRequestedFor(WireMock.urlPathEqualTo("/v1/invoices/in_grant_3")));
	}

	@Test
	void aPaidInvoiceOfAGrantNotHeldYetFailsSoThatItsRetryFindsTheGrant() {
		// given: Stripe took the payment during the finalize, before the grant was stored
		var customer = linkedCustomer("cus_grant_4");
		var invoice = new java.util.LinkedHashMap<>(
				StripeEvents.invoice("in_grant_4", "cus_grant_4", "paid", 4900, 4900, START, START));
		invoice.put("metadata",
				Map.of("plangate_grant_id", UUID.randomUUID().toString(), "plangate_customer_id", customer));
		var payload = StripeEvents.event("evt_grant_paid_early", "invoice.paid", clock.instant(), invoice);

		// when
		var response = anonymous.sendRaw("POST", "/v1/billing/stripe/webhook",
				java.net.http.HttpRequest.BodyPublishers.ofString(payload), Map.of("Content-Type", "application/json",
						"Stripe-Signature", StripeEvents.sign(payload, SECRET, clock.instant())));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(503);
		assertThat(response.code()).isEqualTo("billing_event_failed");
		var stored = api.get("/v1/admin/billing/events/evt_grant_paid_early").body();
		assertThat(stored.path("outcome").asString()).isEqualTo("failed");
		assertThat(stored.path("lastError").asString()).contains("does not hold");
	}

	@Test
	void aDeferredPricedGrantIsAnItemOfTheNextInvoiceAndUsableAtOnce() {
		// given
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoiceitems"))
			.willReturn(WireMock.okJson("{\"id\":\"ii_grant_2\",\"object\":\"invoiceitem\"}")));
		var customer = linkedCustomer("cus_grant_2");
		assertThat(consume(customer, 5).status()).isEqualTo(200);

		// when
		var created = pricedGrant(customer, "deferred");
		var drawn = consume(customer, 3);

		// then
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.body().path("status").asString()).isEqualTo("active");
		assertThat(drawn.status()).as(drawn.toString()).isEqualTo(200);
		assertThat(drawn.body().path("fromGrants").asLong()).isEqualTo(3);
		var charge = chargesOf(customer).get(0);
		assertThat(charge.path("status").asString()).isEqualTo("invoiced");
		assertThat(charge.path("stripeInvoiceItemId").asString()).isEqualTo("ii_grant_2");
		stripeApi.verify(0, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/invoices")));
		stripeApi.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/invoiceitems"))
			.withHeader("Idempotency-Key", WireMock.equalTo("plangate-grant-" + created.body().path("id").asString()))
			.withRequestBody(WireMock.containing("customer=cus_grant_2"))
			.withRequestBody(WireMock.notContaining("invoice="))
			.withRequestBody(WireMock.containing("amount=4900")));
	}

	@Test
	void aPricedGrantForACustomerWithoutAStripeCustomerIsRefusedAndNotMade() {
		// given
		stripeApi.resetAll();
		clock.set(START);
		var customer = newCustomer("grant-unlinked");

		// when
		var refused = pricedGrant(customer, "immediate");

		// then
		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.code()).isEqualTo("no_billing_customer");
		assertThat(api.get("/v1/customers/" + customer + "/grants").body().path("data")).isEmpty();
		assertThat(stripeApi.getAllServeEvents()).isEmpty();
	}

}
