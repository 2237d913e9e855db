package dev.plangate.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import dev.plangate.generated.ApiClient;
import dev.plangate.generated.ApiException;
import dev.plangate.generated.api.CatalogApi;
import dev.plangate.generated.api.ConcurrencyLeasesApi;
import dev.plangate.generated.api.CustomersApi;
import dev.plangate.generated.api.EnforcementApi;
import dev.plangate.generated.api.GrantsApi;
import dev.plangate.generated.api.SubscriptionsApi;
import dev.plangate.generated.api.UsageApi;
import dev.plangate.generated.model.AcquireRequest;
import dev.plangate.generated.model.ChangePlan;
import dev.plangate.generated.model.CheckRequest;
import dev.plangate.generated.model.ConsumeRequest;
import dev.plangate.generated.model.DecisionRefusal;
import dev.plangate.generated.model.EventInput;
import dev.plangate.generated.model.IngestRequest;
import dev.plangate.generated.model.NewGrant;
import dev.plangate.generated.model.PlanView;
import dev.plangate.generated.model.Problem;
import dev.plangate.generated.model.SetOverride;
import dev.plangate.generated.model.UpsertCustomer;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;

/**
 * The README's tour through a Java client that openapi-generator made from
 * {@code docs/openapi.json} (at build time, see this module's pom): what a product's
 * developer who generates a client gets is typed, named and works, refusals included.
 */
@FreshSchema
class GeneratedClientTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		// its own database: plans other test classes publish would change the upgrade
		// plans it expects
		FreshDatabase.register(registry, "generated_client");
	}

	private ApiClient client;

	@BeforeEach
	void generatedClient() {
		client = new ApiClient();
		client.updateBaseUri("http://localhost:" + port);
		var bearer = "Bearer " + Objects.requireNonNull(api.key());
		client.setRequestInterceptor(request -> request.header("Authorization", bearer));
	}

	@Test
	void theReadmeTour() throws ApiException {
		var customers = new CustomersApi(client);
		var subscriptions = new SubscriptionsApi(client);
		var usage = new UsageApi(client);
		var enforcement = new EnforcementApi(client);
		var acme = uniqueId("acme");

		// the plans, as a pricing page reads them
		assertThat(new CatalogApi(client).listPlans().getData()).extracting(PlanView::getKey).contains("free", "pro");

		// a customer by the product's own id, on the default plan at once
		var created = customers.upsertCustomer(acme,
				new UpsertCustomer().name("Acme Inc").email("ops@" + acme + ".example"));
		assertThat(created.getId()).isEqualTo(acme);
		assertThat(subscriptions.getSubscription(acme).getPlan().getKey()).isEqualTo("free");
		assertThat(subscriptions.getEntitlements(acme).getFeatures()).containsKey("api_calls");

		// what moving to Pro would cost and break, then the move
		var preview = subscriptions.previewSubscriptionChange(acme, "pro", null);
		assertThat(preview.getAllowed()).isTrue();
		assertThat(preview.getTo().getKey()).isEqualTo("pro");
		var moved = subscriptions.changeSubscription(acme, new ChangePlan().plan("pro"), null);
		assertThat(moved.getPlan().getKey()).isEqualTo("pro");

		// a bespoke deal
		var override = customers.setOverride(acme, "api_calls",
				new SetOverride().value(250_000).reason("annual contract"));
		assertThat(override.getValue().getLimit()).isEqualTo(250_000L);

		// usage, idempotent by id, then against the limits
		var event = new EventInput().id("evt-" + UUID.randomUUID()).customerId(acme).feature("api_calls").amount(1200L);
		assertThat(usage.recordUsageEvents(new IngestRequest().events(List.of(event)), null, null).getRecorded())
			.isEqualTo(1);
		assertThat(usage.recordUsageEvents(new IngestRequest().events(List.of(event)), null, null).getDuplicates())
			.isEqualTo(1);
		assertThat(usage.getUsage(acme).getQuotas())
			.anySatisfy(quota -> assertThat(quota.getFeature()).isEqualTo("api_calls"));

		// check changes nothing; consume decides and records, once per Idempotency-Key
		var sso = enforcement.check(new CheckRequest().customerId(acme).feature("sso"), null);
		assertThat(sso.getAllowed()).isFalse();
		assertThat(sso.getCode()).isEqualTo("feature_not_in_plan");
		assertThat(sso.getUpgradePlan()).isEqualTo("enterprise");
		var consume = new ConsumeRequest().customerId(acme).feature("api_calls").amount(1L);
		var key = "req-" + UUID.randomUUID();
		var first = enforcement.consume(consume, key);
		var replayed = enforcement.consume(consume, key);
		assertThat(first.getAllowed()).isTrue();
		assertThat(first.getUsed()).isEqualTo(1201L);
		assertThat(replayed.getUsed()).isEqualTo(1201L);

		// an emergency pool and a concurrency slot
		var grant = new GrantsApi(client).createGrant(acme,
				new NewGrant().feature("api_calls").amount(500L).reason("emergency pool"), null);
		assertThat(grant.getRemaining()).isEqualTo(500L);
		var leases = new ConcurrencyLeasesApi(client);
		var lease = leases
			.acquireLease(new AcquireRequest().customerId(acme).feature("concurrent_jobs").ttlSeconds(300), null);
		assertThat(lease.getHeld()).isEqualTo(1);
		leases.releaseLease(lease.getId(), null);

		// what went wrong is always said the same way, and the generated Problem reads it
		var refused = catchThrowableOfType(ApiException.class,
				() -> subscriptions.changeSubscription(acme, new ChangePlan().plan("platinum"), null));
		assertThat(refused.getCode()).isEqualTo(422);
		var problem = readProblem(refused);
		assertThat(problem.getCode()).isEqualTo("unknown_plan");
		assertThat(problem.getErrors()).anySatisfy(error -> assertThat(error.getField()).isEqualTo("plan"));
		assertThat(problem.getType()).isEqualTo(URI.create("https://plangate.dev/problems/unknown-plan"));
	}

	@Test
	void aRefusedDecisionReadsWithItsFigures() throws ApiException {
		// given: a customer on the free plan
		var acme = uniqueId("acme");
		new CustomersApi(client).upsertCustomer(acme, new UpsertCustomer().name("Acme Inc"));

		// when
		var refused = catchThrowableOfType(ApiException.class, () -> new EnforcementApi(client)
			.consume(new ConsumeRequest().customerId(acme).feature("api_calls").amount(1_000_000_000L), null));
		var missing = catchThrowableOfType(ApiException.class,
				() -> new CustomersApi(client).getCustomer(uniqueId("nobody")));

		// then: the 402 is the document's DecisionRefusal, with the limit and what is
		// used
		assertThat(refused.getCode()).isEqualTo(402);
		var decision = read(refused, DecisionRefusal.class);
		assertThat(decision.getCode()).isEqualTo("quota_exceeded");
		assertThat(decision.getLimit()).isPositive();
		assertThat(decision.getUsed()).isZero();
		assertThat(decision.getUpgradePlan()).as("the only plan with room for a billion").isEqualTo("enterprise");
		assertThat(missing.getCode()).isEqualTo(404);
		assertThat(readProblem(missing).getCode()).isEqualTo("customer_not_found");
	}

	private Problem readProblem(ApiException refused) {
		return read(refused, Problem.class);
	}

	private <T> T read(ApiException refused, Class<T> type) {
		try {
			return client.getObjectMapper().readValue(refused.getResponseBody(), type);
		}
		catch (JsonProcessingException ex) {
			throw new AssertionError("not a problem: " + refused.getResponseBody(), ex);
		}
	}

}
