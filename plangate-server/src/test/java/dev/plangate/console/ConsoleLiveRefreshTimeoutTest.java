package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.ServerTest;

/**
 * A page left open refreshes its live part every few seconds; that is not the operator at
 * work: it does not keep an idle console session going, and the refresh after the session
 * ended sends the page to sign in (30 minutes idle here).
 */
@FreshSchema
@Import(ConsoleLiveRefreshTimeoutTest.Clocks.class)
class ConsoleLiveRefreshTimeoutTest extends ServerTest {

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(Instant.parse("2027-06-01T09:00:00Z"));
		}

	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "console_live_timeout");
		registry.add("plangate.redis-prefix", () -> "plangate:rl:console-live-timeout-" + UUID.randomUUID() + ":");
		registry.add("plangate.console.idle-timeout", () -> "30m");
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private JdbcClient jdbc;

	@Test
	void liveRefreshesDoNotKeepAnIdleSessionAndTheOneAfterItEndedSendsThePageToSignIn() {
		// given
		var support = Operators.create(anonymous, jdbc, "live-idle", "support", true, clock);
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(support.email(), support.password(), support.nextCode()).status()).isEqualTo(302);
		assertThat(browser.get("/console/batches").status()).isEqualTo(200);

		// when
		clock.advance(Duration.ofMinutes(20));
		var refreshed = liveRefresh(browser, "/console/batches/live");
		clock.advance(Duration.ofMinutes(11));
		var afterIdle = liveRefresh(browser, "/console/batches/summary/live");
		var page = browser.get("/console/batches");

		// then
		assertThat(refreshed.statusCode()).isEqualTo(200);
		assertThat(afterIdle.statusCode()).as("31 minutes after the last page view").isEqualTo(401);
		assertThat(afterIdle.headers().firstValue("HX-Redirect")).hasValue("/console/login?expired");
		assertThat(page.status()).isEqualTo(302);
		assertThat(page.location()).endsWith("/console/login");
	}

	private HttpResponse<String> liveRefresh(ConsoleClient client, String path) {
		var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.header("HX-Request", "true")
			.header("Cookie", "PLANGATE_CONSOLE=" + client.cookie("PLANGATE_CONSOLE"))
			.GET();
		try {
			return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
