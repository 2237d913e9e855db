package dev.plangate.customer;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.EntitlementView;
import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Key;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/v1/customers")
@Tag(name = "Customers")
class CustomerController {

	private final CustomerService customers;

	private final CatalogService catalog;

	CustomerController(CustomerService customers, CatalogService catalog) {
		this.customers = customers;
		this.catalog = catalog;
	}

	/** Absent fields are left as they are. */
	record UpsertCustomer(
			@Nullable @Pattern(regexp = "user|organization", message = "must be 'user' or 'organization'") String kind,
			@Nullable @Size(min = 1, max = 200) String name, @Nullable @Email @Size(max = 320) String email,
			@Nullable @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,63}",
					message = "must be a region name such as 'us-east-1'") String region,
			@Nullable @Size(max = 100, message = "must have at most 100 keys") Map<String, Object> metadata) {
	}

	record CustomerView(String id, String kind, @Nullable String name, @Nullable String email, String status,
			@Nullable String region, Map<String, Object> metadata, Instant createdAt, Instant updatedAt,
			@Nullable Instant deletedAt) {

		static CustomerView of(Customer c) {
			return new CustomerView(c.id(), c.kind(), c.name(), c.email(), c.status().id(), c.region(), c.metadata(),
					c.createdAt(), c.updatedAt(), c.deletedAt());
		}
	}

	record SetOverride(@NotNull(message = "is required: the entitlement, as in the catalog file") JsonNode value,
			@Nullable @Size(max = 500) String reason) {
	}

	record OverrideView(String feature, EntitlementView value, @Nullable String reason, String setBy, Instant setAt) {
	}

	@Refusals({ ErrorCode.UNKNOWN_PLAN, ErrorCode.CUSTOMER_KIND_IMMUTABLE })
	@PutMapping("/{id}")
	@Operation(operationId = "upsertCustomer", summary = "Create or update a customer by the product's own id",
			description = "Answers 201 when created (on the catalog's default plan at once), 200 when updated. "
					+ "Absent fields keep their value; `kind` cannot change; a deleted customer answers 409.")
	ResponseEntity<CustomerView> upsert(@PathVariable @CustomerId String id,
			@Valid @RequestBody UpsertCustomer request) {
		var result = customers.upsert(id, new CustomerService.Changes(request.kind(), request.name(), request.email(),
				request.region(), request.metadata()));
		return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
			.body(CustomerView.of(result.customer()));
	}

	@GetMapping("/{id}")
	@Operation(operationId = "getCustomer", summary = "Read a customer (deleted ones too)")
	CustomerView get(@PathVariable @CustomerId String id) {
		return CustomerView.of(customers.get(id));
	}

	@GetMapping
	@Operation(operationId = "listCustomers", summary = "List customers",
			description = "In id order. `q` searches id, name and email; `status` filters (deleted customers are "
					+ "listed only with status=deleted); `plan` filters by plan key. Pass `nextCursor` as `cursor`.")
	Page<CustomerView> list(@RequestParam(required = false) @Nullable @Size(min = 1, max = 200) String q,
			@RequestParam(required = false) @Nullable @Pattern(regexp = "active|suspended|deleted",
					message = "must be active, suspended or deleted") String status,
			@RequestParam(required = false) @Nullable @Key String plan,
			@RequestParam(required = false) @Nullable @Size(max = 400) String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		var page = customers.list(q, status == null ? null : CustomerStatus.of(status), plan, cursor, limit);
		return new Page<>(page.data().stream().map(CustomerView::of).toList(), page.nextCursor());
	}

	@PostMapping("/{id}/suspend")
	@Operation(operationId = "suspendCustomer", summary = "Suspend a customer",
			description = "A suspended customer is refused everything it asks.")
	CustomerView suspend(@PathVariable @CustomerId String id) {
		return CustomerView.of(customers.setStatus(id, CustomerStatus.SUSPENDED));
	}

	@PostMapping("/{id}/activate")
	@Operation(operationId = "activateCustomer", summary = "Activate a suspended customer")
	CustomerView activate(@PathVariable @CustomerId String id) {
		return CustomerView.of(customers.setStatus(id, CustomerStatus.ACTIVE));
	}

	@DeleteMapping("/{id}")
	@Operation(operationId = "deleteCustomer", summary = "Soft-delete a customer",
			description = "The id stays taken and readable with status `deleted`; its subscription ends.")
	CustomerView delete(@PathVariable @CustomerId String id) {
		return CustomerView.of(customers.delete(id));
	}

	@GetMapping("/{id}/overrides")
	@Operation(operationId = "listOverrides", summary = "List a customer's overrides")
	Page<OverrideView> overrides(@PathVariable @CustomerId String id) {
		return Page.of(customers.overrides(id).stream().map(this::view).toList());
	}

	@Refusals({ ErrorCode.INVALID_OVERRIDE, ErrorCode.UNKNOWN_FEATURE })
	@PutMapping("/{id}/overrides/{feature}")
	@Operation(operationId = "setOverride", summary = "Override one feature for a customer",
			description = "`value` takes the catalog file's forms: `true`, `500`, `\"unlimited\"`, `\"dedicated\"`, "
					+ "or `{\"limit\": 500}`. It beats the plan's entitlement until removed.")
	OverrideView setOverride(@PathVariable @CustomerId String id, @PathVariable @Key String feature,
			@Valid @RequestBody SetOverride request) {
		return view(customers.setOverride(id, feature, request.value(), request.reason()));
	}

	@DeleteMapping("/{id}/overrides/{feature}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "removeOverride", summary = "Remove a customer's override of one feature")
	void removeOverride(@PathVariable @CustomerId String id, @PathVariable @Key String feature) {
		customers.removeOverride(id, feature);
	}

	private OverrideView view(Override o) {
		var feature = catalog.feature(o.feature());
		return new OverrideView(o.feature(), EntitlementView.of(feature, o.entitlement(), "override"), o.reason(),
				o.setBy(), o.setAt());
	}

}
