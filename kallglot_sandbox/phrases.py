"""The scripted call: what the agent is "heard" saying, and what the customer answers.

The sandbox has no speech recognition; each detected agent utterance is given the next line of
a short support-call script in the agent's language, and the scripted customer answers with the
matching reply. A small built-in table translates between en/de/es/fr; any other language gets
the English line tagged `[<lang>] …` so it is still visibly "translated".
"""

from __future__ import annotations

AGENT_LINES = (
    {
        "en": "Hello, thank you for calling. How can I help you today?",
        "de": "Hallo, danke für Ihren Anruf. Wie kann ich Ihnen heute helfen?",
        "es": "Hola, gracias por llamar. ¿Cómo puedo ayudarle hoy?",
        "fr": "Bonjour, merci de votre appel. Comment puis-je vous aider aujourd'hui ?",
    },
    {
        "en": "I understand. Could you please give me your order number?",
        "de": "Ich verstehe. Könnten Sie mir bitte Ihre Bestellnummer geben?",
        "es": "Entiendo. ¿Podría darme su número de pedido, por favor?",
        "fr": "Je comprends. Pourriez-vous me donner votre numéro de commande ?",
    },
    {
        "en": "Thank you. I can see your order in our system now.",
        "de": "Danke. Ich sehe Ihre Bestellung jetzt in unserem System.",
        "es": "Gracias. Ahora veo su pedido en nuestro sistema.",
        "fr": "Merci. Je vois maintenant votre commande dans notre système.",
    },
    {
        "en": "The package will arrive on Friday morning.",
        "de": "Das Paket kommt am Freitagmorgen an.",
        "es": "El paquete llegará el viernes por la mañana.",
        "fr": "Le colis arrivera vendredi matin.",
    },
    {
        "en": "Is there anything else I can help you with?",
        "de": "Kann ich Ihnen sonst noch irgendwie helfen?",
        "es": "¿Hay algo más en lo que pueda ayudarle?",
        "fr": "Puis-je vous aider pour autre chose ?",
    },
    {
        "en": "Thank you for your patience. Have a great day!",
        "de": "Danke für Ihre Geduld. Einen schönen Tag noch!",
        "es": "Gracias por su paciencia. ¡Que tenga un buen día!",
        "fr": "Merci de votre patience. Bonne journée !",
    },
)

CUSTOMER_LINES = (
    {
        "en": "Hello, I have a problem with my order.",
        "de": "Hallo, ich habe ein Problem mit meiner Bestellung.",
        "es": "Hola, tengo un problema con mi pedido.",
        "fr": "Bonjour, j'ai un problème avec ma commande.",
    },
    {
        "en": "Yes, my order number is four five six.",
        "de": "Ja, meine Bestellnummer ist vier fünf sechs.",
        "es": "Sí, mi número de pedido es cuatro cinco seis.",
        "fr": "Oui, mon numéro de commande est quatre cinq six.",
    },
    {
        "en": "Great, I was worried it was lost.",
        "de": "Super, ich hatte Angst, sie sei verloren.",
        "es": "Genial, tenía miedo de que se hubiera perdido.",
        "fr": "Super, j'avais peur qu'elle soit perdue.",
    },
    {
        "en": "Perfect, that works for me.",
        "de": "Perfekt, das passt mir gut.",
        "es": "Perfecto, me viene bien.",
        "fr": "Parfait, cela me convient.",
    },
    {
        "en": "No, that is all, thank you.",
        "de": "Nein, das ist alles, danke.",
        "es": "No, eso es todo, gracias.",
        "fr": "Non, c'est tout, merci.",
    },
    {
        "en": "Goodbye, and thanks again.",
        "de": "Auf Wiedersehen, und nochmals danke.",
        "es": "Adiós, y gracias de nuevo.",
        "fr": "Au revoir, et merci encore.",
    },
)

DEFAULT_AGENT_LANGUAGE = "en"
DEFAULT_CUSTOMER_LANGUAGE = "es"


def line(lines: tuple[dict[str, str], ...], index: int, language: str) -> str:
    """The `index`-th line (cycling) in `language`, or the tagged English fallback."""
    entry = lines[index % len(lines)]
    return entry.get(language) or f"[{language}] {entry['en']}"


def partial_text(text: str, step: int) -> str:
    """Growing interim text: two more words per partial, always short of the full line."""
    words = text.split()
    shown = max(1, min(len(words) - 1, 2 * step))
    return " ".join(words[:shown])
