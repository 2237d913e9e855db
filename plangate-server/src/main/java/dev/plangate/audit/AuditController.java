package dev.plangate.audit;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

@RestController
@RequestMapping("/v1/admin/audit-events")
@Tag(name = "Audit log")
class AuditController {

	private final AuditLog auditLog;

	AuditController(AuditLog auditLog) {
		this.auditLog = auditLog;
	}

	@GetMapping
	@Operation(operationId = "listAuditEvents", summary = "List audit events, newest first",
			description = "Filter by who acted (`actor`, as recorded: `account:<id>`, `api_key:<prefix>`, `system`), "
					+ "what was done (`action`, such as `customer.suspended`), the target (`targetType` such as "
					+ "customer, plan, api_key, and `targetId`), the operator behind an impersonation token's "
					+ "requests (`impersonatedBy`, the operator's account id) and when (`since` inclusive, `until` exclusive, "
					+ "ISO-8601 instants); the filters combine. Pass `nextCursor` of a page as `cursor` to read "
					+ "older events.")
	Page<AuditEvent> list(@RequestParam(required = false) @Nullable @Size(min = 1, max = 200) String actor,
			@RequestParam(required = false) @Nullable @Size(min = 1, max = 80) String action,
			@RequestParam(required = false) @Nullable String targetType,
			@RequestParam(required = false) @Nullable String targetId,
			@Parameter(description = "occurred at or after, e.g. 2026-12-01T00:00:00Z") @RequestParam(
					required = false) @Nullable Instant since,
			@Parameter(description = "occurred before, e.g. 2026-12-02T00:00:00Z") @RequestParam(
					required = false) @Nullable Instant until,
			@Parameter(description = "the operator's account id, as `impersonatedBy` of an impersonation: events "
					+ "of the requests made with its impersonation tokens") @RequestParam(
							required = false) @Nullable UUID impersonatedBy,
			@RequestParam(required = false) @Nullable @Min(1) Long cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
		return auditLog.list(new AuditLog.Filter(actor, action, targetType, targetId, since, until, impersonatedBy),
				cursor, limit);
	}

}
