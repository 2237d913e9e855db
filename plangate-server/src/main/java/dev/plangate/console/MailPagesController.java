package dev.plangate.console;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

import dev.plangate.audit.AuditLog;
import dev.plangate.notify.MailOutbox;
import dev.plangate.notify.OutboxMail;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The mail outbox, for admins and up (mails hold personal data): mails waiting, sent and
 * failed, as {@code GET /v1/admin/mail-outbox} lists them, and one mail, its text shown
 * only where the outbox keeps it and even then with its links and tokens masked
 * ({@link MailMask}); reading a text is audited as the API audits it.
 */
@Controller
@Hidden
class MailPagesController {

	static final String PATH = "/console/mail";

	private static final int PAGE = 50;

	private static final Pattern CURSOR = Pattern.compile("[1-9][0-9]{0,17}");

	private final MailOutbox outbox;

	private final AuditLog audit;

	MailPagesController(MailOutbox outbox, AuditLog audit) {
		this.outbox = outbox;
		this.audit = audit;
	}

	@GetMapping(PATH)
	String list(@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String to,
			@RequestParam(required = false) @Nullable String cursor, Model model, HttpServletResponse response) {
		var state = blankToNull(status);
		var recipient = blankToNull(to);
		var before = blankToNull(cursor);
		model.addAttribute("status", state == null ? "" : state);
		model.addAttribute("to", recipient == null ? "" : recipient);
		model.addAttribute("statuses", OutboxMail.STATUSES);
		String refused = null;
		if (state != null && !OutboxMail.STATUSES.contains(state)) {
			refused = "Unknown status: choose pending, sending, sent or failed.";
		}
		else if (recipient != null && recipient.length() > 320) {
			refused = "The recipient is too long: at most 320 characters.";
		}
		else if (before != null && !CURSOR.matcher(before).matches()) {
			refused = "The page link is broken: start again from the first page.";
		}
		if (refused != null) {
			response.setStatus(HttpStatus.BAD_REQUEST.value());
			model.addAttribute("error", refused);
			return "console/mails";
		}
		var page = outbox.list(recipient, state, before == null ? null : Long.valueOf(before), PAGE);
		model.addAttribute("mails", page.data());
		if (page.nextCursor() != null) {
			model.addAttribute("next",
					UriComponentsBuilder.fromPath(PATH)
						.queryParamIfPresent("status", Optional.ofNullable(state))
						.queryParamIfPresent("to", Optional.ofNullable(recipient))
						.queryParam("cursor", page.nextCursor())
						.encode()
						.build()
						.toUriString());
		}
		return "console/mails";
	}

	@GetMapping(PATH + "/{id}")
	String mail(@PathVariable UUID id, Model model) {
		var mail = outbox.get(id);
		if (mail.text() != null) {
			audit.record("mail.text_read", "mail", id.toString(), null, Map.of("to", mail.to()));
		}
		model.addAttribute("mail", mail);
		model.addAttribute("subject", MailMask.mask(mail.subject()));
		model.addAttribute("text", MailMask.mask(mail.text()));
		model.addAttribute("lastError", MailMask.mask(mail.lastError()));
		model.addAttribute("keepsText", outbox.showsText());
		return "console/mail";
	}

	private static @Nullable String blankToNull(@Nullable String text) {
		return text == null || text.isBlank() ? null : text.strip();
	}

}
