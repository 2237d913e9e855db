package com.example.reports;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

import dev.plangate.spring.PlangateCustomerResolver;

/**
 * Acme Reports, a small product whose plans Plangate enforces: single sign-on settings
 * for plans that include it, reports metered against a monthly quota, and exports capped
 * to the plan's number of concurrent jobs.
 */
@SpringBootApplication
public class ReportsApplication {

	/** The customer a request is for: here a header set by the product's gateway. */
	@Bean
	PlangateCustomerResolver customerFromHeader(HttpServletRequest request) {
		return () -> request.getHeader("X-Customer-Id");
	}

	public static void main(String[] args) {
		SpringApplication.run(ReportsApplication.class, args);
	}

}
