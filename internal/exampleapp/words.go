package exampleapp

import (
	"fmt"
	"time"
)

// words are the example's own words in one language.
type words struct {
	Lang, Site, Intro, Privacy, Hello, UID, Email, Account, AccountLink, AccountIntro,
	Friends, Unavailable, Permissions, None, SessionEnds, SignOut, Coins string
	// The page inside ok.ru.
	Game, GameIntro, Buy, ProductName, ProductDescription, Bought, NotBought, NoSDK string
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
	AccountIntro: "Only signed-in visitors can open this page: anyone else is asked to sign in first, then brought back here.",
	Friends:      "Friends on OK.ru",
	Unavailable:  "unavailable",
	Permissions:  "Permissions OK.ru granted",
	None:         "none",
	SessionEnds:  "Session ends",
	SignOut:      "Sign out",
	Coins:        "Coins (100 coins for 10 OKs)",

	Game:               "Game",
	GameIntro:          "This page opens inside ok.ru, signed in as the player OK launched it for. Buy opens OK’s purchase dialog; once you pay there, OK tells the site, and your coins go up.",
	Buy:                "Buy 100 coins for 10 OKs",
	ProductName:        "100 coins",
	ProductDescription: "100 coins for the okauth demo",
	Bought:             "Paid: the coins are yours.",
	NotBought:          "No purchase: nothing was charged.",
	NoSDK:              "OK’s JS SDK did not start: open this page inside ok.ru.",
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
	AccountIntro: "Эту страницу видят только те, кто вошёл: остальным сначала предложат войти, а потом вернут сюда.",
	Friends:      "Друзья на OK.ru",
	Unavailable:  "недоступно",
	Permissions:  "Права, выданные OK.ru",
	None:         "нет",
	SessionEnds:  "Сеанс закончится",
	SignOut:      "Выйти",
	Coins:        "Монеты (100 монет за 10 ОК)",

	Game:               "Игра",
	GameIntro:          "Эта страница открывается внутри OK.ru, и вы уже вошли как игрок, для которого OK её запустил. «Купить» открывает окно оплаты OK; когда вы оплатите покупку, OK сообщит об этом сайту, и монет станет больше.",
	Buy:                "Купить 100 монет за 10 ОК",
	ProductName:        "100 монет",
	ProductDescription: "100 монет для демо okauth",
	Bought:             "Оплачено: монеты ваши.",
	NotBought:          "Покупки не было: ничего не списано.",
	NoSDK:              "JS SDK от OK не запустился: откройте эту страницу внутри OK.ru.",
}

// wordsFor is the example's words in lang, English unless it is Russian.
func wordsFor(lang string) words {
	if lang == "ru" {
		return russian
	}
	return english
}

// moscow is Moscow time, which has been UTC+3 all year since 2014: the
// time most readers of a Russian page go by.
var moscow = time.FixedZone("MSK", 3*60*60)

// genitiveMonths are the months as a Russian date names them: «6 декабря».
var genitiveMonths = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня",
	"июля", "августа", "сентября", "октября", "ноября", "декабря"}

// When is t as a reader of the page writes a date and time: «6 декабря
// 2026, 13:29 (МСК)» in Moscow time on a Russian page, "6 December 2026,
// 10:29 UTC" on an English one.
func (w words) When(t time.Time) string {
	if w.Lang == "ru" {
		t = t.In(moscow)
		return fmt.Sprintf("%d\u00a0%s %d, %s (МСК)", t.Day(), genitiveMonths[t.Month()-1], t.Year(), t.Format("15:04"))
	}
	return t.UTC().Format("2 January 2006, 15:04 UTC")
}
