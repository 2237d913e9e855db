package dev.plangate.console;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

import dev.plangate.audit.AuditEvent;
import dev.plangate.audit.AuditLog;
import dev.plangate.identity.OperatorAdministration;
import dev.plangate.identity.OperatorRole;
import dev.plangate.platform.PlangateException;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The audit log, newest first, filtered and paged as {@code GET /v1/admin/audit-events}
 * has it; each row links to its target's page where the console has one.
 */
@Controller
@Hidden
class AuditPagesController {

	static final String PATH = "/console/audit";

	private static final int PAGE = 50;

	private static final String ACCOUNT = "account:";

	private static final Pattern CURSOR = Pattern.compile("[1-9][0-9]{0,17}");

	private final AuditLog audit;

	private final OperatorAdministration operators;

	AuditPagesController(AuditLog audit, OperatorAdministration operators) {
		this.audit = audit;
		this.operators = operators;
	}

	/**
	 * An event as listed.
	 *
	 * @param link the target's page, null where the console has none
	 * @param impersonatorId the operator's account id behind an impersonation token's
	 * request, null for everything else
	 * @param impersonator that operator's login, else its id
	 */
	record Row(AuditEvent event, @Nullable String link, @Nullable String impersonatorId,
			@Nullable String impersonator) {
	}

	@GetMapping(PATH)
	String list(@RequestParam(required = false) @Nullable String actor,
			@RequestParam(required = false) @Nullable String action,
			@RequestParam(required = false) @Nullable String targetType,
			@RequestParam(required = false) @Nullable String targetId,
			@RequestParam(required = false) @Nullable String since,
			@RequestParam(required = false) @Nullable String until,
			@RequestParam(required = false) @Nullable String impersonatedBy,
			@RequestParam(required = false) @Nullable String cursor, @AuthenticationPrincipal ConsoleOperator operator,
			Model model, HttpServletResponse response) {
		var who = blankToNull(actor);
		var what = blankToNull(action);
		var type = blankToNull(targetType);
		var id = blankToNull(targetId);
		var from = blankToNull(since);
		var to = blankToNull(until);
		var by = blankToNull(impersonatedBy);
		model.addAttribute("actor", who == null ? "" : who);
		model.addAttribute("action", what == null ? "" : what);
		model.addAttribute("targetType", type == null ? "" : type);
		model.addAttribute("targetId", id == null ? "" : id);
		model.addAttribute("since", from == null ? "" : from);
		model.addAttribute("until", to == null ? "" : to);
		model.addAttribute("impersonatedBy", by == null ? "" : by);
		String refused = null;
		UUID operatorId = null;
		if (by != null) {
			try {
				operatorId = UUID.fromString(
						by.regionMatches(true, 0, ACCOUNT, 0, ACCOUNT.length()) ? by.substring(ACCOUNT.length()) : by);
			}
			catch (IllegalArgumentException ex) {
				refused = "'" + (by.length() > 80 ? by.substring(0, 80) + "…" : by)
						+ "' is not an operator's account id: give one such as "
						+ "0b0c2f3e-5d9a-4c1e-8f2a-6f1d2c3b4a5e.";
			}
		}
		if ((who != null && who.length() > 200) || (what != null && what.length() > 80)
				|| (type != null && type.length() > 40) || (id != null && id.length() > 300)) {
			refused = "A filter is too long: actor at most 200 characters, action 80, target type 40, target id 300.";
		}
		Instant sinceAt = null;
		Instant untilAt = null;
		try {
			sinceAt = from == null ? null : time(from, false);
			untilAt = to == null ? null : time(to, true);
		}
		catch (DateTimeException ex) {
			refused = "'" + (sinceAt == null && from != null ? from : to)
					+ "' is not a time: give a date such as 2026-12-01, or a date and time such as "
					+ "2026-12-01T14:30 (UTC).";
		}
		var before = blankToNull(cursor);
		if (refused == null && before != null && !CURSOR.matcher(before).matches()) {
			refused = "The page link is broken: start again from the first page.";
		}
		if (refused != null) {
			response.setStatus(HttpStatus.BAD_REQUEST.value());
			model.addAttribute("error", refused);
			return "console/audit";
		}
		try {
			var filter = new AuditLog.Filter(who, what, type, id, sinceAt, untilAt, operatorId);
			var page = audit.list(filter, before == null ? null : Long.valueOf(before), PAGE);
			var logins = page.data().stream().anyMatch(e -> e.impersonatedBy() != null) ? operatorLogins()
					: Map.<String, String>of();
			model.addAttribute("rows", page.data().stream().map(e -> row(e, operator, logins)).toList());
			if (page.nextCursor() != null) {
				model.addAttribute("next",
						UriComponentsBuilder.fromPath(PATH)
							.queryParamIfPresent("actor", Optional.ofNullable(who))
							.queryParamIfPresent("action", Optional.ofNullable(what))
							.queryParamIfPresent("targetType", Optional.ofNullable(type))
							.queryParamIfPresent("targetId", Optional.ofNullable(id))
							.queryParamIfPresent("since", Optional.ofNullable(from))
							.queryParamIfPresent("until", Optional.ofNullable(to))
							.queryParamIfPresent("impersonatedBy", Optional.ofNullable(by))
							.queryParam("cursor", page.nextCursor())
							.encode()
							.build()
							.toUriString());
			}
		}
		catch (PlangateException ex) {
			response.setStatus(ex.code().status().value());
			model.addAttribute("error", "The time range ends before it starts: 'Until' must come after 'Since'.");
		}
		return "console/audit";
	}

	/**
	 * A date is the start of its day (UTC) in {@code since}, and includes its whole day
	 * in {@code until}; a date and time is that minute, UTC, or any ISO-8601 instant.
	 */
	static Instant time(String text, boolean end) {
		if (text.length() > 40) {
			throw new DateTimeException("too long");
		}
		if (text.length() == 10) {
			var day = LocalDate.parse(text);
			return (end ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
		}
		if (text.endsWith("Z") || text.endsWith("z")) {
			return Instant.parse(text.toUpperCase(java.util.Locale.ROOT));
		}
		return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
	}

	private static Row row(AuditEvent event, ConsoleOperator operator, Map<String, String> logins) {
		var by = event.impersonatedBy();
		if (by == null) {
			return new Row(event, link(event, operator), null, null);
		}
		var id = by.startsWith(ACCOUNT) ? by.substring(ACCOUNT.length()) : by;
		return new Row(event, link(event, operator), id, logins.getOrDefault(id, id));
	}

	/**
	 * The operators' logins by account id (one that is no operator any more shows its
	 * id).
	 */
	private Map<String, String> operatorLogins() {
		var logins = new HashMap<String, String>();
		operators.operators().forEach(o -> logins.put(o.id().toString(), o.login()));
		return logins;
	}

	private static @Nullable String link(AuditEvent event, ConsoleOperator operator) {
		return switch (event.targetType()) {
			case "customer" -> UriComponentsBuilder.fromPath("/console/customers/{id}")
				.buildAndExpand(event.targetId())
				.encode()
				.toUriString();
			case "api_key" -> KeysPagesController.PATH + "#key-" + event.targetId();
			case "mail" -> operator.role().includes(OperatorRole.ADMIN)
					? UriComponentsBuilder.fromPath(MailPagesController.PATH + "/{id}")
						.buildAndExpand(event.targetId())
						.encode()
						.toUriString()
					: null;
			default -> null;
		};
	}

	private static @Nullable String blankToNull(@Nullable String text) {
		return text == null || text.isBlank() ? null : text.strip();
	}

}
