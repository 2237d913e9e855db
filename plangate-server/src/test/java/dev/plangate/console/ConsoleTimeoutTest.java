package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
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
 * A console session's idle and absolute timeouts, on a server whose clock the test moves
 * (30 minutes idle, 1 hour in all here).
 */
@FreshSchema
@Import(ConsoleTimeoutTest.Clocks.class)
class ConsoleTimeoutTest extends ServerTest {

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
		FreshDatabase.register(registry, "console_timeout");
		registry.add("plangate.redis-prefix", () -> "plangate:rl:console-timeout-" + UUID.randomUUID() + ":");
		registry.add("plangate.console.idle-timeout", () -> "30m");
		registry.add("plangate.console.absolute-timeout", () -> "1h");
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private JdbcClient jdbc;

	@BeforeEach
	void later() {
		// a fresh hour: every rate limit has its full burst again
		clock.advance(Duration.ofHours(2));
	}

	@Test
	void aSessionEndsAfterItsIdleTimeoutButNotBefore() {
		// given
		var admin = Operators.create(anonymous, jdbc, "timeout-idle", "admin", true, clock);
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(admin.email(), admin.password(), admin.nextCode()).status()).isEqualTo(302);

		// when
		clock.advance(Duration.ofMinutes(29));
		var beforeIdle = browser.get("/console");
		clock.advance(Duration.ofMinutes(29));
		var stillUsed = browser.get("/console");
		clock.advance(Duration.ofMinutes(31));
		var idle = browser.get("/console");
		var after = browser.get("/console");

		// then
		assertThat(beforeIdle.status()).isEqualTo(200);
		assertThat(stillUsed.status()).as("each request starts the idle time again").isEqualTo(200);
		assertThat(idle.status()).isEqualTo(302);
		assertThat(idle.location()).endsWith("/console/login?expired");
		assertThat(after.status()).isEqualTo(302);
		assertThat(after.location()).endsWith("/console/login");
		assertThat(api.get("/v1/admin/accounts/" + admin.accountId()).body().path("sessions").size())
			.as("the console's Plangate session was ended with it")
			.isEqualTo(1);
	}

	@Test
	void aSessionEndsAfterItsAbsoluteTimeoutHoweverBusy() {
		// given
		var admin = Operators.create(anonymous, jdbc, "timeout-absolute", "admin", true, clock);
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(admin.email(), admin.password(), admin.nextCode()).status()).isEqualTo(302);

		// when
		var answers = new java.util.ArrayList<Integer>();
		for (int i = 0; i < 4; i++) {
			clock.advance(Duration.ofMinutes(20));
			answers.add(browser.get("/console").status());
		}

		// then: at 20, 40 and 60 minutes, not at 80
		assertThat(answers).containsExactly(200, 200, 200, 302);
	}

}
