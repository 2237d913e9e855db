package dev.plangate.console;

import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import dev.plangate.platform.PlangateException;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A page's failure as a page, not as the API's problem JSON: a customer that does not
 * exist is a 404 page, a refused access a 403 page.
 */
@ControllerAdvice(basePackageClasses = ConsolePagesAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsolePagesAdvice {

	/** The operator signed in, for the header of every page. */
	@ModelAttribute("operator")
	@Nullable ConsoleOperator operator() {
		return ConsoleSessionGuard.operator(SecurityContextHolder.getContext().getAuthentication());
	}

	@ExceptionHandler(PlangateException.class)
	String refused(PlangateException ex, HttpServletResponse response, Model model) {
		response.setStatus(ex.code().status().value());
		model.addAttribute("status", ex.code().status().value());
		model.addAttribute("title", ex.code().title());
		model.addAttribute("detail", ex.getMessage());
		return "console/error";
	}

	@ExceptionHandler({ MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class })
	String badRequest(Exception ex, HttpServletResponse response, Model model) {
		response.setStatus(400);
		model.addAttribute("status", 400);
		model.addAttribute("title", "Bad request");
		model.addAttribute("detail", "The request is not one this page understands.");
		return "console/error";
	}

	/** Where the console's security sends a refused request. */
	@Controller
	@Hidden
	static class Denied {

		@RequestMapping("/console/denied")
		String denied(HttpServletResponse response, Model model) {
			response.setStatus(403);
			model.addAttribute("status", 403);
			model.addAttribute("title", "Not allowed");
			model.addAttribute("detail",
					"Your role may not do this. Support operators read, end sessions and clear rate limits; "
							+ "admins also make changes, manage API keys and read the mail outbox; only superadmins give roles.");
			return "console/error";
		}

	}

}
