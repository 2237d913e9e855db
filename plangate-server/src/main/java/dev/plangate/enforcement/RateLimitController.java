package dev.plangate.enforcement;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.CustomerId;
import dev.plangate.platform.Key;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@Tag(name = "Enforcement")
class RateLimitController {

	private final EnforcementService enforcement;

	RateLimitController(EnforcementService enforcement) {
		this.enforcement = enforcement;
	}

	record Cleared(String customerId, List<String> features) {
	}

	@DeleteMapping("/v1/customers/{id}/rate-limits")
	@Operation(operationId = "resetRateLimits", summary = "Clear a customer's rate-limit state",
			description = "For the rate features named in `features` (all of them when absent): the customer's full "
					+ "burst is available again at once. Audited.")
	Cleared reset(@PathVariable @CustomerId String id,
			@RequestParam(required = false) @Nullable List<@Key String> features) {
		return new Cleared(id, enforcement.resetRateLimits(id, features == null ? List.of() : features));
	}

}
