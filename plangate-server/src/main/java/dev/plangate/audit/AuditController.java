package dev.plangate.audit;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

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
			description = "Filter by target (`targetType` such as customer, plan, api_key, and `targetId`). "
					+ "Pass `nextCursor` of a page as `cursor` to read older events.")
	Page<AuditEvent> list(@RequestParam(required = false) @Nullable String targetType,
			@RequestParam(required = false) @Nullable String targetId,
			@RequestParam(required = false) @Nullable @Min(1) Long cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
		return auditLog.list(targetType, targetId, cursor, limit);
	}

}
