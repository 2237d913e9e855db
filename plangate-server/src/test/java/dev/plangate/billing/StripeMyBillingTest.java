package dev.plangate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.support.Api;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;

/**
 * Checkout and the customer portal for an end user's own token: a user pays for its
 * personal plan, an organization's owners and admins for the organization's, its members
 * not.
 */
@FreshSchema
class StripeMyBillingTest extends ServerTest {

	private static final WireMockServer stripeApi = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private static final Pattern INVITATION = Pattern.compile("token=([A-Za-z0-9_-]+)");

	static {
		stripeApi.start();
	}

	@DynamicPropertySource
	static void stripe(DynamicPropertyRegistry registry) {
		StripeEvents.register(registry, "stripe_my_billing", "sk_test_my_billing_0123456789", stripeApi.port(),
				"whsec_my_billing_0123456789");
	}

	@AfterAll
	static void stopStripe() {
		stripeApi.stop();
	}

	/** Stripe makes a customer of another id each time. */
	private static final AtomicInteger stripeCustomers = new AtomicInteger();

	@BeforeEach
	void stripeAnswers() {
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/customers"))
			.willReturn(WireMock
				.okJson("{\"id\":\"cus_mine_" + stripeCustomers.incrementAndGet() + "\",\"object\":\"customer\"}")));
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/checkout/sessions"))
			.willReturn(WireMock.okJson("{\"id\":\"cs_test_mine\",\"object\":\"checkout.session\",\"url\":"
					+ "\"https://checkout.stripe.com/c/pay/cs_test_mine\",\"mode\":\"subscription\"}")));
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/billing_portal/sessions"))
			.willReturn(WireMock.okJson("{\"id\":\"bps_mine\",\"object\":\"billing_portal.session\",\"url\":"
					+ "\"https://billing.stripe.com/p/session/test_mine\"}")));
	}

	private static final String CHECKOUT = Api.json(Map.of("plan", "pro", "successUrl",
			"https://app.example.com/billing/done", "cancelUrl", "https://app.example.com/pricing"));

	private static final String PORTAL = Api.json(Map.of("returnUrl", "https://app.example.com/account"));

	private record Person(String email, Api api) {
	}

	private Person person(String prefix) {
		var email = AccountCalls.verifiedAccount(anonymous, prefix);
		return new Person(email, AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email)));
	}

	private void join(Person owner, String organizationId, Person who, String role) {
		var invited = owner.api()
			.post("/v1/me/organizations/" + organizationId + "/invitations",
					Api.json(Map.of("email", who.email(), "role", role)));
		assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
		var mail = invitation(who.email());
		var matcher = INVITATION.matcher(mail.text());
		assertThat(matcher.find()).as(mail.text()).isTrue();
		var accepted = who.api().post("/v1/me/invitations/accept", Api.json(Map.of("token", matcher.group(1))));
		assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
	}

	/** The invitation mail to the address, waiting up to 10 s. */
	private static TestMail.Received invitation(String address) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (true) {
			var mails = TestMail.messagesTo(address)
				.stream()
				.filter(m -> m.subject().startsWith("You are invited to join"))
				.toList();
			if (!mails.isEmpty()) {
				return mails.get(mails.size() - 1);
			}
			assertThat(System.nanoTime()).as("an invitation to " + address + " within 10 s").isLessThan(deadline);
			try {
				Thread.sleep(25);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	private Api actingFor(Person who, String organizationId) {
		var response = who.api().post("/v1/me/organizations/" + organizationId + "/token", null);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return anonymous.withKey(response.body().path("accessToken").asString());
	}

	@Test
	void aUserPaysForItsPersonalPlanWithItsOwnToken() {
		// given
		var user = person("my-billing-user");
		var customerId = user.api().get("/v1/me").body().path("customerId").asString();

		// when
		var checkout = user.api().post("/v1/me/checkout", CHECKOUT);
		var portal = user.api().post("/v1/me/billing-portal", PORTAL);
		var serverKey = api.post("/v1/me/checkout", CHECKOUT);

		// then
		assertThat(checkout.status()).as(checkout.toString()).isEqualTo(201);
		assertThat(checkout.body().path("url").asString()).isEqualTo("https://checkout.stripe.com/c/pay/cs_test_mine");
		stripeApi.verify(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/checkout/sessions"))
			.withRequestBody(WireMock.containing("client_reference_id=" + customerId))
			.withRequestBody(WireMock.containing("line_items[0][price]=price_assistant_pro_monthly")));
		assertThat(portal.status()).as(portal.toString()).isEqualTo(201);
		assertThat(portal.body().path("url").asString()).isEqualTo("https://billing.stripe.com/p/session/test_mine");
		assertThat(serverKey.status()).as(serverKey.toString()).isEqualTo(403);
	}

	@Test
	void anOrganizationsOwnersAndAdminsPayForItsPlanAndAMemberIsRefused() {
		// given
		var owner = person("my-billing-owner");
		var admin = person("my-billing-admin");
		var member = person("my-billing-member");
		var created = owner.api().post("/v1/me/organizations", Api.json(Map.of("name", "Billing Co")));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		var org = created.body().path("id").asString();
		join(owner, org, admin, "admin");
		join(owner, org, member, "member");

		// when
		var byOwner = actingFor(owner, org).post("/v1/me/checkout", CHECKOUT);
		var portalByAdmin = actingFor(admin, org).post("/v1/me/billing-portal", PORTAL);
		var checkoutByMember = actingFor(member, org).post("/v1/me/checkout", CHECKOUT);
		var portalByMember = actingFor(member, org).post("/v1/me/billing-portal", PORTAL);

		// then
		assertThat(byOwner.status()).as(byOwner.toString()).isEqualTo(201);
		stripeApi.verify(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/checkout/sessions"))
			.withRequestBody(WireMock.containing("client_reference_id=" + org)));
		assertThat(portalByAdmin.status()).as(portalByAdmin.toString()).isEqualTo(201);
		for (var refused : List.of(checkoutByMember, portalByMember)) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
			assertThat(refused.code()).isEqualTo("forbidden");
		}
		stripeApi.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/checkout/sessions")));
		stripeApi.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/billing_portal/sessions")));
	}

}
