package exampleapp

// words are the example's own words in one language.
type words struct {
	Lang, Site, Intro, Privacy, Hello, UID, Email, Account, AccountLink, AccountIntro,
	Friends, Unavailable, Permissions, None, SessionEnds, SignOut, Coins string
}

var english = words{
	Lang:         "en",
	Site:         "okauth demo",
	Intro:        "This small site shows “Sign in with OK.ru” at work. Sign in to see your OK.ru profile and a page only signed-in visitors can open.",
	Privacy:      "Your name and picture stay in a cookie of your browser until you sign out; the site keeps nothing else.",
	Hello:        "Hello,",
	UID:          "OK.ru user id",
	Email:        "Email",
	Account:      "Your account",
	AccountLink:  "Your account page",
	AccountIntro: "Only signed-in visitors can open this page: RequireLogin sends anyone else to sign in first, then back here.",
	Friends:      "Friends (friends.get, called as you)",
	Unavailable:  "unavailable",
	Permissions:  "Permissions OK.ru granted",
	None:         "none",
	SessionEnds:  "Session ends",
	SignOut:      "Sign out",
	Coins:        "Coins (coins100: 100 coins for 10 OKs)",
}

var russian = words{
	Lang:         "ru",
	Site:         "Демо okauth",
	Intro:        "Этот небольшой сайт показывает вход через OK.ru в деле. Войдите, чтобы увидеть свой профиль OK.ru и страницу, которая открыта только тем, кто вошёл.",
	Privacy:      "Имя и фото хранятся только в cookie вашего браузера, пока вы не выйдете; больше сайт ничего не сохраняет.",
	Hello:        "Здравствуйте,",
	UID:          "ID на OK.ru",
	Email:        "Эл. почта",
	Account:      "Личный кабинет",
	AccountLink:  "Перейти в личный кабинет",
	AccountIntro: "Эту страницу видят только те, кто вошёл: RequireLogin сначала отправляет остальных на вход, а потом возвращает сюда.",
	Friends:      "Друзья (friends.get от вашего имени)",
	Unavailable:  "недоступно",
	Permissions:  "Права, выданные OK.ru",
	None:         "нет",
	SessionEnds:  "Сеанс закончится",
	SignOut:      "Выйти",
	Coins:        "Монеты (coins100: 100 монет за 10 ОК)",
}

// wordsFor is the example's words in lang, English unless it is Russian.
func wordsFor(lang string) words {
	if lang == "ru" {
		return russian
	}
	return english
}
