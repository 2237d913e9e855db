package com.example.reports;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.spring.Consumes;
import dev.plangate.spring.RequiresFeature;

/** The product's API. */
@RestController
class ReportsController {

	private final Exports exports;

	ReportsController(Exports exports) {
		this.exports = exports;
	}

	/** Only for plans that include single sign-on. */
	@RequiresFeature("sso")
	@GetMapping("/sso/settings")
	Map<String, Object> ssoSettings() {
		return Map.of("protocol", "saml", "enforced", false);
	}

	/** Every report counts against the plan's monthly API calls. */
	@Consumes(feature = "api_calls")
	@PostMapping("/reports")
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> createReport(@RequestParam(defaultValue = "usage") String kind) {
		return Map.of("id", UUID.randomUUID().toString(), "kind", kind, "createdAt", Instant.now().toString());
	}

	/** Searches are rate limited: the plan's requests a minute. */
	@Consumes(feature = "api_rate")
	@GetMapping("/search")
	Map<String, Object> search(@RequestParam(defaultValue = "") String q) {
		return Map.of("query", q, "results", java.util.List.of());
	}

	/** An export runs while one of the plan's concurrent jobs is free. */
	@PostMapping("/exports")
	Map<String, Object> export(@RequestParam(defaultValue = "0") long millis) throws InterruptedException {
		return exports.run(millis);
	}

}
