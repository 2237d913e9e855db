package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * The portal over plain HTTP: an end user arriving with the customer-scoped token the
 * product minted sees its own plan and usage; nothing else opens it.
 */
class PortalTest extends ServerTest {

	@Test
	void aCustomerTokenOpensTheCustomersOwnUsagePageAndLeavesTheAddress() {
		// given
		var customer = newCustomer("portal-own");
		assertThat(api.post("/v1/customers/" + customer + "/subscription", Api.json(Map.of("plan", "pro"))).status())
			.isEqualTo(200);
		api.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount", 1234)));
		var token = mint(customer);
		var browser = new ConsoleClient(port);

		// when
		var arrival = browser.get("/portal?token=" + token);
		var page = browser.get("/portal");

		// then
		assertThat(arrival.status()).as(arrival.toString()).isEqualTo(302);
		assertThat(arrival.location()).as("the token leaves the address").endsWith("/portal");
		assertThat(arrival.setCookies())
			.anyMatch(c -> c.startsWith("PLANGATE_CONSOLE=") && c.contains("HttpOnly") && c.contains("SameSite=Lax"));
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		assertThat(page.body()).contains("Pro", "API calls", "1,234", "trialing");
		assertThat(page.header("Content-Security-Policy")).startsWith("default-src 'self';");
		assertThat(page.body()).doesNotContain("<style").doesNotContain(" style=");
	}

	@Test
	void suspendingTheCustomerClosesAPageAlreadyOpen() {
		// given
		var customer = newCustomer("portal-closed");
		var browser = new ConsoleClient(port);
		assertThat(browser.get("/portal?token=" + mint(customer)).status()).isEqualTo(302);
		assertThat(browser.get("/portal").status()).isEqualTo(200);

		// when
		assertThat(api.post("/v1/customers/" + customer + "/suspend", null).status()).isEqualTo(200);
		var after = browser.get("/portal");

		// then
		assertThat(after.status()).isEqualTo(401);
		assertThat(after.body()).contains("Open this page from your app");
	}

	@Test
	void nothingButAValidCustomerTokenOpensIt() {
		// given
		var customer = newCustomer("portal-refused");
		var revokedToken = mint(customer);
		assertThat(api.post("/v1/customers/" + customer + "/suspend", null).status()).isEqualTo(200);

		// when
		var withoutToken = new ConsoleClient(port).get("/portal");
		var forged = new ConsoleClient(port).get("/portal?token=eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
		var serverKey = new ConsoleClient(port).get("/portal?token=" + api.key());
		var suspended = new ConsoleClient(port).get("/portal?token=" + revokedToken);
		var bearer = new ConsoleClient(port).get("/portal", "Bearer " + api.key());

		// then
		for (var refused : List.of(withoutToken, forged, serverKey, suspended, bearer)) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
			assertThat(refused.body()).contains("Open this page from your app");
		}
	}

	private String mint(String customer) {
		var minted = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));
		assertThat(minted.status()).as(minted.toString()).isEqualTo(201);
		return minted.body().path("token").asString();
	}

}
