package dev.plangate.console;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.plangate.identity.OperatorAdministration;
import dev.plangate.platform.PlangateException;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * The operators and their roles, for a superadmin: who has a role, with their second
 * factor, and a role given to an account found by its email, through the same service
 * (and so the same checks and audit record) as {@code PUT /v1/admin/accounts/{id}/role}.
 */
@Controller
@Hidden
class OperatorsController {

	private static final String PATH = "/console/operators";

	private final OperatorAdministration administration;

	OperatorsController(OperatorAdministration administration) {
		this.administration = administration;
	}

	@GetMapping(PATH)
	String list(Model model) {
		model.addAttribute("operators", administration.operators());
		model.addAttribute("roles", OperatorAdministration.ROLES);
		return "console/operators";
	}

	@PostMapping(PATH + "/role")
	String giveRole(@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String role,
			RedirectAttributes redirect) {
		var address = email.strip();
		if (address.isEmpty() || address.length() > 320) {
			redirect.addFlashAttribute("error", "Enter the email address of the account (at most 320 characters).");
			return "redirect:" + PATH;
		}
		if (!OperatorAdministration.ROLES.contains(role)) {
			redirect.addFlashAttribute("error", "Choose a role: user, support, admin or superadmin.");
			return "redirect:" + PATH;
		}
		var account = administration.findByEmail(address);
		if (account.isEmpty()) {
			redirect.addFlashAttribute("error", "No account has the address " + address + ".");
			return "redirect:" + PATH;
		}
		if (account.get().role().equals(role)) {
			redirect.addFlashAttribute("notice", account.get().login() + " already is " + role + ": nothing changed.");
			return "redirect:" + PATH;
		}
		try {
			var changed = administration.changeRole(account.get().id(), role);
			redirect.addFlashAttribute("notice", changed.login() + " is now " + changed.role()
					+ ("user".equals(changed.role()) ? " (no operator)." : ".") + " Their sessions ended.");
		}
		catch (PlangateException ex) {
			redirect.addFlashAttribute("error", ex.getMessage() + ".");
		}
		return "redirect:" + PATH;
	}

}
