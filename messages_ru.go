package okauth

// russian is the built-in Russian, written with Russian typography:
// «ёлочки», ё, and a non-breaking space (\u00a0) before a dash and between
// a number and its unit. To add a message for a new error, add one line to
// Errors here and in the built-in English, before any more general error it also
// matches.
var russian = Messages{
	Lang:         LangRussian,
	SignIn:       "Войти через OK.ru",
	RelayTitle:   "Вход через OK.ru",
	RelayWorking: "Выполняем вход через OK.ru…",
	RelayEmpty:   "Эта страница нужна для входа через OK.ru\u00a0— сейчас здесь нечего завершать.",
	NoScript:     "Чтобы завершить вход через OK.ru, нужен JavaScript. Включите его и попробуйте ещё раз.",
	TryAgain:     "Попробовать ещё раз",
	Home:         "На главную",
	Status:       "Ошибка",

	ConfirmTitle:   "Войти в приложение?",
	ConfirmText:    "Приложение открыто по ссылке. Вы войдёте в него с этим аккаунтом OK.ru:",
	ProfileID:      "ID в\u00a0OK.ru",
	ConfirmSwitch:  "Сейчас вы вошли сюда как",
	ConfirmWarning: "Если это не вы или вы не открывали ссылку сами, нажмите «Отмена»\u00a0— ничего не изменится.",
	ContinueAs:     "Продолжить как",
	Cancel:         "Отмена",
	SignOutTitle:   "Выйти?",
	SignOutText:    "Вы выйдете из своего аккаунта на этом сайте в этом браузере.",
	SignOut:        "Выйти",
	LaunchOpening:  "Открываем приложение…",
	Continue:       "Продолжить",
	Errors: []ErrorText{
		{ErrRefusedByOnSignIn, "Вход отклонён", "Сайт не принял этот вход. Ничего не сохранено."},
		{ErrDeniedByUser, "Вход отменён", "Вы не разрешили этому сайту доступ к аккаунту OK.ru. Ничего не сохранено."},
		{ErrAppRejectedByOK, "OK.ru отклонил запрос сайта", "OK.ru не принял запрос этого сайта на вход. Нужно проверить настройки приложения сайта в OK.ru."},
		{ErrRefusedByOK, "Не удалось войти через OK.ru", "OK.ru сообщил о проблеме при входе. Попробуйте ещё раз."},
		{ErrStateExpired, "Вход занял слишком много времени", "Вход не был завершён за 10\u00a0минут. Начните заново."},
		{ErrStateReused, "Вход уже завершён", "Этот вход уже был завершён. Чтобы войти ещё раз, начните заново."},
		ruNotRecognised.with(ErrStateMissing),
		ruNotRecognised.with(ErrStateMismatch),
		ruUnreachable.with(ErrOutage),
		ruUnreachable.with(ErrUnreachable),
		ruUnreachable.with(ErrBadResponse),
		{ErrSecretMismatch, "OK.ru отклонил вход", "OK.ru не принял токен входа. Попробуйте ещё раз."},
		{ErrAPI, "OK.ru отклонил вход", "OK.ru не принял токен входа. Попробуйте ещё раз."},
		{ErrTokenExpired, "Срок входа истёк", "Ваш вход через OK.ru на этом сайте больше не действует. Войдите ещё раз."},
		{ErrCrossOrigin, "Запрос отклонён", "Запрос пришёл с другого сайта и был отклонён."},
		{ErrReplayFull, "Слишком много входов", "Сейчас на сайт входит слишком много людей. Попробуйте ещё раз через несколько минут."},
		{ErrNotRevocable, "Здесь выйти нельзя", "Сайт не может завершить сеанс приложения. Приложению достаточно забыть его\u00a0— сеанс закончится сам, когда истечёт его срок."},
		{ErrSignOutFailed, "Выйти не удалось", "Сайт сейчас не смог завершить сеанс: вы всё ещё в системе. Попробуйте ещё раз через минуту."},
		{ErrStoreUnavailable, "Вход временно недоступен", "Сайт сейчас не может проверить вход. Ничего не изменилось. Попробуйте ещё раз через минуту."},
		{ErrWriteSessionFailed, "Не удалось завершить вход", "Сайт не смог завершить вход. Ничего не изменилось. Попробуйте ещё раз через минуту."},
		{ErrLaunchUsed, "Ссылка запуска уже использована", "По этой ссылке приложение уже открывали. Откройте приложение из OK.ru ещё раз. Ничего не сохранено."},
		{ErrLaunchUnauthorized, "Приложение не разрешено", "Вы не разрешили это приложение в OK.ru. Откройте его из OK.ru и разрешите доступ."},
		{ErrBadLaunch, "Запуск не распознан", "Это приложение открыто не из OK.ru, или ссылку изменили. Откройте приложение из OK.ru ещё раз. Ничего не сохранено."},
		ruIncomplete.with(ErrTokenMissing),
		ruIncomplete.with(ErrSecretMissing),
		ruIncomplete.with(ErrCodeMissing),
		ruNotSignedIn.with(ErrNotSignedIn),
		ruBadForm.with(ErrBadForm),
		{ErrNativeRequest, "Неверный запрос на вход", "Не удалось прочитать запрос приложения на вход."},
		{ErrNativeDisabled, "Вход из приложений выключен", "Этот сайт пока не принимает вход из мобильных приложений."},
		{errMethodNotAllowed, "Метод не поддерживается", "Этот адрес не принимает запросы с таким методом."},
	},
	ByStatus: map[int]ErrorText{
		400: ruBadForm,
		401: ruNotSignedIn,
		403: {Title: "Запрос отклонён", Detail: "Этот запрос отклонён."},
		429: {Title: "Слишком много запросов", Detail: "Слишком много попыток входа сразу. Подождите немного и попробуйте ещё раз."},
		500: {Title: "Что-то пошло не так", Detail: "Сайт не смог завершить вход. Попробуйте ещё раз чуть позже."},
		502: ruUnreachable,
		503: {Title: "Сайт перегружен", Detail: "Сайт сейчас перегружен. Попробуйте ещё раз чуть позже."},
	},
}

// Texts shared by several errors.
var (
	ruNotRecognised = ErrorText{Title: "Вход не распознан", Detail: "Вход начат не в этом браузере, или браузер не сохранил cookie. Начните заново."}
	ruUnreachable   = ErrorText{Title: "Не удалось связаться с OK.ru", Detail: "OK.ru не ответил как следует, пока мы проверяли вход. Попробуйте ещё раз чуть позже."}
	ruIncomplete    = ErrorText{Title: "Вход не завершён", Detail: "Ответ OK.ru пришёл неполным. Начните заново."}
	ruNotSignedIn   = ErrorText{Title: "Вы не вошли", Detail: "Сначала войдите через OK.ru."}
	ruBadForm       = ErrorText{Title: "Неверный запрос на вход", Detail: "Не удалось прочитать запрос на вход. Начните заново."}
)
