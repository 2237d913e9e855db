package dev.plangate.support;

import java.time.Instant;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * A server whose clock the test moves: import it into a test class with a database of its
 * own (so that the clock reaches no other test), autowire the {@link MovableClock} and
 * set it. It starts on January 1st, 2027.
 */
@TestConfiguration(proxyBeanMethods = false)
public class MovableClockConfiguration {

	@Bean
	@Primary
	MovableClock movableClock() {
		return new MovableClock(Instant.parse("2027-01-01T00:00:00Z"));
	}

}
