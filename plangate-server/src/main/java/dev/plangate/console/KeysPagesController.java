package dev.plangate.console;

import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.plangate.identity.ApiKeyAdministration;
import dev.plangate.platform.PlangateException;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The server and worker API keys: listed for support and up, created and revoked by
 * admins and up through the same service (and so the same checks and audit records) as
 * {@code /v1/api-keys}. A new key's secret is on the answer to its creation only: never
 * kept in the session, never shown again.
 */
@Controller
@Hidden
class KeysPagesController {

	static final String PATH = "/console/keys";

	private static final int MAX_NAME = 200;

	private final ApiKeyAdministration keys;

	KeysPagesController(ApiKeyAdministration keys) {
		this.keys = keys;
	}

	@GetMapping(PATH)
	String list(@AuthenticationPrincipal ConsoleOperator operator, Model model) {
		return page(operator, model);
	}

	@PostMapping(PATH)
	String create(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String kind,
			@AuthenticationPrincipal ConsoleOperator operator, Model model, HttpServletResponse response) {
		var label = name.strip();
		model.addAttribute("name", label);
		model.addAttribute("kind", kind);
		if (label.isEmpty() || label.length() > MAX_NAME || label.chars().anyMatch(Character::isISOControl)) {
			response.setStatus(HttpStatus.BAD_REQUEST.value());
			model.addAttribute("error", "Name the key: one line of at most " + MAX_NAME + " characters.");
			return page(operator, model);
		}
		if (!ApiKeyAdministration.KINDS.contains(kind)) {
			response.setStatus(HttpStatus.BAD_REQUEST.value());
			model.addAttribute("error", "Choose the kind of key: server or worker.");
			return page(operator, model);
		}
		var created = keys.create(label, kind);
		model.addAttribute("created", created.key());
		model.addAttribute("secret", created.secret());
		model.addAttribute("name", "");
		model.addAttribute("kind", "server");
		return page(operator, model);
	}

	@PostMapping(PATH + "/{id}/revoke")
	String revoke(@PathVariable UUID id, @RequestParam(defaultValue = "") String confirm, RedirectAttributes redirect) {
		if (!"yes".equals(confirm)) {
			redirect.addFlashAttribute("error", "Tick the confirmation to revoke the key.");
			return "redirect:" + PATH;
		}
		try {
			var revoked = keys.revoke(id);
			redirect.addFlashAttribute("notice", "Key " + revoked.prefix() + "… (" + revoked.name()
					+ ") is revoked: it no longer works on this node, and within the key cache's lifetime on the others.");
		}
		catch (PlangateException ex) {
			if (ex.code().status().value() == 404) {
				throw ex;
			}
			redirect.addFlashAttribute("error", ex.getMessage() + ".");
		}
		return "redirect:" + PATH;
	}

	private String page(ConsoleOperator operator, Model model) {
		model.addAttribute("keys", keys.list());
		model.addAttribute("mayChange", operator.mayChange());
		model.asMap().putIfAbsent("name", "");
		model.asMap().putIfAbsent("kind", "server");
		return "console/keys";
	}

}
