// Behaviour shared by every page; kept out of the HTML so the Content-Security-Policy can forbid inline script.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});
