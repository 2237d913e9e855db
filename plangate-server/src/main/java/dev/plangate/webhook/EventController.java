package dev.plangate.webhook;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.customer.CustomerService;
import dev.plangate.platform.Actor;
import dev.plangate.platform.CustomerId;
import dev.plangate.platform.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

@RestController
@Tag(name = "Events")
class EventController {

	private static final String FILTERS = " Filter by `type` (a type such as `subscription.changed`, or a prefix "
			+ "such as `subscription.*`), and by time with `from` (inclusive) and `to` (exclusive): ISO-8601 "
			+ "instants with an offset or dates (UTC midnight). Pass a page's `nextCursor` as `cursor` to read "
			+ "older events. Bad parameters answer 400 `invalid_request` naming each. The catalog of types and "
			+ "what each carries: docs/webhooks.md.";

	private final EventQueries queries;

	private final CustomerService customers;

	EventController(EventQueries queries, CustomerService customers) {
		this.queries = queries;
		this.customers = customers;
	}

	@GetMapping("/v1/events")
	@Operation(operationId = "listEvents", summary = "The event log, newest first",
			description = "Every event told to the outside world (and to webhook endpoints), in the envelope "
					+ "`{id, type, timestamp, customerId, data}`; `customerId` keeps those of one customer." + FILTERS)
	Page<StoredEvent> list(@RequestParam(required = false) @Nullable @Size(max = 64) String type,
			@RequestParam(required = false) @Nullable @CustomerId String customerId,
			@RequestParam(required = false) @Nullable @Size(max = 64) String from,
			@RequestParam(required = false) @Nullable @Size(max = 64) String to,
			@RequestParam(required = false) @Nullable @Size(max = 64) String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
		return queries.list(EventQueries.filter(type, customerId, from, to, cursor), limit);
	}

	@GetMapping("/v1/events/{id}")
	@Operation(operationId = "getEvent", summary = "One event of the log",
			description = "An id that is no event id answers 400 `invalid_request`; an unknown one 404 "
					+ "`event_not_found`.")
	StoredEvent get(@PathVariable @Size(max = 64) String id) {
		return queries.get(id);
	}

	@GetMapping("/v1/customers/{id}/events")
	@Operation(operationId = "listCustomerEvents", summary = "A customer's events, newest first",
			description = "As `GET /v1/events?customerId=…`, but 404 `customer_not_found` for an unknown customer "
					+ "(a deleted one's events stay readable)." + FILTERS)
	Page<StoredEvent> customerEvents(@PathVariable @CustomerId String id,
			@RequestParam(required = false) @Nullable @Size(max = 64) String type,
			@RequestParam(required = false) @Nullable @Size(max = 64) String from,
			@RequestParam(required = false) @Nullable @Size(max = 64) String to,
			@RequestParam(required = false) @Nullable @Size(max = 64) String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
		var filter = EventQueries.filter(type, id, from, to, cursor);
		customers.get(id);
		return queries.list(filter, limit);
	}

	@GetMapping("/v1/me/events")
	@Operation(operationId = "listMyEvents", summary = "The token's customer's events, newest first",
			description = "As `GET /v1/customers/{id}/events`, for the customer of the access token (account or "
					+ "customer-scoped) or personal key: never another customer's. A server key is refused (403)."
					+ FILTERS)
	Page<StoredEvent> myEvents(@RequestParam(required = false) @Nullable @Size(max = 64) String type,
			@RequestParam(required = false) @Nullable @Size(max = 64) String from,
			@RequestParam(required = false) @Nullable @Size(max = 64) String to,
			@RequestParam(required = false) @Nullable @Size(max = 64) String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
		var customerId = Actor.currentCustomer();
		return queries.list(EventQueries.filter(type, customerId, from, to, cursor), limit);
	}

}
