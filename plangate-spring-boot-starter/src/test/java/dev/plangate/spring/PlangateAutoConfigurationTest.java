package dev.plangate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ProblemDetail;

import dev.plangate.client.Decision;
import dev.plangate.client.Plangate;
import dev.plangate.client.PlangateStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * The auto-configuration's conditions and properties, the problems it answers refusals
 * with, and the metadata IDEs complete {@code plangate.*} from. What the annotations do
 * against a running server is tested in plangate-it and examples/spring-app.
 */
class PlangateAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PlangateAutoConfiguration.class));

	@Test
	void withoutPlangateUrlNothingIsConfigured() {
		runner.run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(Plangate.class);
			assertThat(context).doesNotHaveBean(PlangateHealthIndicator.class);
		});
	}

	@Test
	void urlAndKeyMakeTheClientWithEverySettingBound() {
		runner
			.withPropertyValues("plangate.url=http://localhost:1", "plangate.api-key=pg_sk_test",
					"plangate.request-timeout=3s", "plangate.retry.max-attempts=2", "plangate.track.buffer-size=50",
					"plangate.track.batch-size=10", "plangate.web.idempotency-key-header=X-Request-Id")
			.run(context -> {
				assertThat(context).hasSingleBean(Plangate.class);
				var properties = context.getBean(PlangateProperties.class);
				assertThat(properties.getUrl()).hasToString("http://localhost:1");
				assertThat(properties.getRequestTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.getConnectTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(properties.getRetry().getMaxAttempts()).isEqualTo(2);
				assertThat(properties.getTrack().getBufferSize()).isEqualTo(50);
				assertThat(properties.getTrack().getBatchSize()).isEqualTo(10);
				assertThat(properties.getWeb().getIdempotencyKeyHeader()).isEqualTo("X-Request-Id");
				assertThat(context).hasSingleBean(PlangateHealthIndicator.class);
				assertThat(context).hasSingleBean(PlangateMetrics.class);
				assertThat(context).doesNotHaveBean(PlangateProblemHandler.class);
			});
	}

	@Test
	void localEvaluationAndAllowanceBlocksAreTurnedOnAndSetFromProperties() {
		runner
			.withPropertyValues("plangate.url=http://localhost:1", "plangate.api-key=pg_sk_test",
					"plangate.local-evaluation.enabled=true", "plangate.local-evaluation.staleness-bound=20s",
					"plangate.local-evaluation.max-customers=500", "plangate.allowance.max-block=1000",
					"plangate.allowance.window=1s")
			.run(context -> {
				var properties = context.getBean(PlangateProperties.class);
				assertThat(properties.getLocalEvaluation().getStalenessBound()).isEqualTo(Duration.ofSeconds(20));
				assertThat(properties.getLocalEvaluation().getMaxCustomers()).isEqualTo(500);
				assertThat(properties.getAllowance().getMaxBlock()).isEqualTo(1000);
				assertThat(properties.getAllowance().getWindow()).isEqualTo(Duration.ofSeconds(1));
				assertThat(context.getBean(Plangate.class).status().stream()).as("its stream is on")
					.isNotEqualTo(PlangateStatus.StreamState.OFF);
			});
		runner.withPropertyValues("plangate.url=http://localhost:1", "plangate.api-key=pg_sk_test")
			.run(context -> assertThat(context.getBean(Plangate.class).status().stream())
				.isEqualTo(PlangateStatus.StreamState.OFF));
	}

	@Test
	void aUrlWithoutAKeyStopsStartUpWithAClearMessage() {
		runner.withPropertyValues("plangate.url=http://localhost:1")
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("plangate.api-key is not"));
	}

	@Test
	void theProductsOwnBeansWin() {
		runner.withPropertyValues("plangate.url=http://localhost:1", "plangate.api-key=pg_sk_test")
			.withUserConfiguration(OwnClient.class)
			.run(context -> assertThat(context.getBean(Plangate.class)).isSameAs(OwnClient.CLIENT));
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(PlangateAutoConfiguration.class))
			.withPropertyValues("plangate.url=http://localhost:1", "plangate.api-key=pg_sk_test")
			.withUserConfiguration(OwnProblems.class)
			.run(context -> assertThat(context.getBean(PlangateProblemHandler.class))
				.isInstanceOf(OwnProblems.Answers.class));
	}

	@Test
	void aServletApplicationAnswersRefusalsAndTheHealthCanBeTurnedOff() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(PlangateAutoConfiguration.class))
			.withPropertyValues("plangate.url=http://localhost:1", "plangate.api-key=pg_sk_test",
					"management.health.plangate.enabled=false")
			.run(context -> {
				assertThat(context).hasSingleBean(PlangateProblemHandler.class);
				assertThat(context).doesNotHaveBean(PlangateHealthIndicator.class);
			});
	}

	@Test
	void annotatedBeansAreGuardedAndOthersAreLeftAlone() {
		runner.withPropertyValues("plangate.url=http://localhost:1", "plangate.api-key=pg_sk_test")
			.withUserConfiguration(Beans.class)
			.run(context -> {
				assertThat(AopUtils.isAopProxy(context.getBean(Guarded.class))).isTrue();
				assertThat(AopUtils.isAopProxy(context.getBean(GuardedClass.class))).isTrue();
				assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).isFalse();
			});
	}

	@Test
	void aRateRefusalIsA429WithTheIetfRateLimitHeaders() {
		// given: 60 a minute, spent, resetting in 30 s
		var refusal = new Decision(false, "rate_limited", "acme", "api_rate", null, 1, 60L, false, null, 0L,
				Instant.now().plusSeconds(30), "pro", false, 60L, 12L, null, null, false, null, null);

		// when
		var answer = new PlangateProblemHandler().refused(new PlangateRefusalException(refusal));

		// then
		assertThat(answer.getStatusCode().value()).isEqualTo(429);
		assertThat(answer.getHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"api_rate\";q=60;w=60");
		assertThat(answer.getHeaders().getFirst("RateLimit")).matches("\"api_rate\";r=0;t=(29|30)");
		assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("12");
		ProblemDetail problem = answer.getBody();
		assertThat(problem.getType()).hasToString("https://plangate.dev/problems/rate-limited");
		assertThat(problem.getProperties()).containsEntry("code", "rate_limited")
			.containsEntry("feature", "api_rate")
			.containsEntry("retryAfter", 12L)
			.containsEntry("upgradePlan", "pro");
	}

	@Test
	void eachRefusalCodeHasTheServersStatus() {
		assertThat(Map.of("feature_not_in_plan", 402, "quota_exceeded", 402, "subscription_inactive", 402,
				"customer_suspended", 403, "rate_limited", 429, "concurrency_limit_reached", 429))
			.allSatisfy((code, status) -> assertThat(PlangateRefusalException.statusOf(code)).isEqualTo(status));
	}

	@Test
	void theMetersAndHealthReadTheClientsStatus() {
		runner.withPropertyValues("plangate.url=http://localhost:1", "plangate.api-key=pg_sk_test").run(context -> {
			var registry = new SimpleMeterRegistry();
			context.getBean(PlangateMetrics.class).bindTo(registry);
			assertThat(registry.get("plangate.client.decisions").tag("source", "remote").functionCounter().count())
				.isZero();
			assertThat(registry.get("plangate.client.stream.state").tag("state", "off").gauge().value()).isEqualTo(1);
			assertThat(registry.get("plangate.client.stream.state").tag("state", "live").gauge().value()).isZero();
			assertThat(registry.get("plangate.client.track.pending").gauge().value()).isZero();
			assertThat(registry.get("plangate.client.track.failed").functionCounter().count()).isZero();
			var health = context.getBean(PlangateHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("stream", "OFF").containsEntry("trackPending", 0L);
		});
	}

	@Test
	void idesCompleteEveryPropertyWithItsDescriptionAndDefault() throws Exception {
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			var metadata = JsonMapper.builder().build().readTree(in);
			var names = new java.util.HashMap<String, tools.jackson.databind.JsonNode>();
			metadata.path("properties").forEach(p -> names.put(p.path("name").asString(), p));
			assertThat(names).containsKeys("plangate.url", "plangate.api-key", "plangate.connect-timeout",
					"plangate.request-timeout", "plangate.close-timeout", "plangate.retry.max-attempts",
					"plangate.retry.initial-backoff", "plangate.retry.max-backoff", "plangate.retry.max-retry-after",
					"plangate.track.buffer-size", "plangate.track.batch-size", "plangate.track.senders",
					"plangate.track.flush-interval", "plangate.track.block-timeout",
					"plangate.web.idempotency-key-header", "plangate.local-evaluation.enabled",
					"plangate.local-evaluation.staleness-bound", "plangate.local-evaluation.max-customers",
					"plangate.allowance.max-block", "management.health.plangate.enabled");
			assertThat(names.values()).allSatisfy(p -> assertThat(p.path("description").asString()).isNotBlank());
			assertThat(names.get("plangate.track.buffer-size").path("defaultValue").asInt()).isEqualTo(10_000);
			assertThat(names.get("plangate.request-timeout").path("defaultValue").asString()).isEqualTo("30s");
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClient {

		static final Plangate CLIENT = Plangate.builder("http://localhost:2", "pg_sk_own").shutdownHook(false).build();

		@Bean
		Plangate plangate() {
			return CLIENT;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnProblems {

		@Bean
		PlangateProblemHandler answers() {
			return new Answers();
		}

		static class Answers extends PlangateProblemHandler {

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Beans {

		@Bean
		Guarded guarded() {
			return new Guarded();
		}

		@Bean
		GuardedClass guardedClass() {
			return new GuardedClass();
		}

		@Bean
		Plain plain() {
			return new Plain();
		}

	}

	static class Guarded {

		@Consumes(feature = "api_calls")
		public void call() {
		}

	}

	@RequiresFeature("sso")
	static class GuardedClass {

		public void call() {
		}

	}

	static class Plain {

		public void call() {
		}

	}

}
