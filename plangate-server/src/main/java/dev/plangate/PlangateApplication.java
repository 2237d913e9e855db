package dev.plangate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

/** Plangate: plans, entitlements, metering and limit enforcement for SaaS products. */
// No user store of Spring's own: callers authenticate with API keys, and no generated
// password may exist.
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
// Each module's settings record (@ConfigurationProperties), bound and checked at start
@ConfigurationPropertiesScan
public class PlangateApplication {

	public static void main(String[] args) {
		SpringApplication.run(PlangateApplication.class, args);
	}

}
