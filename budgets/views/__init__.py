"""The participatory budget's public pages, served through ``BudgetProcessPage``'s routes
(``budgets.page_urls``): each view takes the edition's page (the one asked for, perhaps a
translation), then the request. Data always comes from the original edition
(``page.edition``); links stay in the language of the page asked for."""
