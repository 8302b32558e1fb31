"""The demo company's words: its customers, what they write, what staff answer and tag.

Data only, beside ``demo.py`` (which tells each ticket's story from these), so the
story stays readable and the words can grow without crowding it.
"""

from __future__ import annotations

from server.vocabulary import Category, ServiceKind

COMPANIES = [
    ("Bäckerei Huber", ServiceKind.WEBHOSTING, "huber-backt.de"),
    ("Nordlicht Media GmbH", ServiceKind.VPS, "vps-214.nordlicht-media.de"),
    ("Kanzlei Wagner & Partner", ServiceKind.MAIL, "kanzlei-wagner.de"),
    ("Tierarztpraxis Sonnenschein", ServiceKind.WEBHOSTING, "tierarzt-sonnenschein.de"),
    ("Velo Müller", ServiceKind.WEBHOSTING, "velo-mueller.ch"),
    ("DataForge Analytics", ServiceKind.DEDICATED, "df-db-01.dataforge.io"),
    ("Sportverein Blau-Weiß", ServiceKind.DOMAIN, "svbw1921.de"),
    ("Hotel Alpenblick", ServiceKind.WEBHOSTING, "alpenblick-hotel.at"),
    ("Pixelpunkt Agentur", ServiceKind.VPS, "vps-877.pixelpunkt.design"),
    ("Stadtwerke Lindau", ServiceKind.DEDICATED, "sw-lindau-web-02"),
    ("Elena Kovač (Fotografin)", ServiceKind.WEBHOSTING, "elenakovac.photo"),
    ("Open Garden e.V.", ServiceKind.DOMAIN, "opengarden.org"),
]
FIRST = ["Anna", "Jonas", "Lea", "Felix", "Mia", "Paul", "Sofia", "Lukas", "Emma", "Noah"]
LAST = ["Schmidt", "Becker", "Keller", "Hofmann", "Wolf", "Neumann", "Braun", "Zimmermann"]
PROBLEMS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    Category.HARDWARE: [
        (
            "Server unreachable since this morning",
            "Our dedicated server does not answer ping or SSH.",
            ("outage",),
        ),
        (
            "Disk errors in the kernel log",
            "dmesg shows I/O errors on /dev/sdb. Is a disk failing?",
            ("disk",),
        ),
        (
            "RAID degraded warning",
            "The monitoring mail says the RAID array is degraded.",
            ("disk",),
        ),
    ],
    Category.SOFTWARE: [
        (
            "PHP 8.3 upgrade broke the shop",
            "After the PHP upgrade the checkout shows a blank page.",
            ("php",),
        ),
        (
            "Let's Encrypt certificate not renewed",
            "The browser warns that our certificate expired today.",
            ("ssl",),
        ),
        (
            "MySQL keeps restarting",
            "The database restarts every few minutes; the site is very slow.",
            ("mysql", "outage"),
        ),
        (
            "Mails land in spam at Gmail",
            "Since Monday our newsletters go to spam. SPF/DKIM okay?",
            ("mail",),
        ),
    ],
    Category.USAGE: [
        ("How do I add a subdomain?", "We want shop.example to point to a second folder.", ()),
        ("Quota full, cannot upload", "The file manager says the quota is exceeded.", ()),
        (
            "Need an SFTP account for our agency",
            "Our designer needs access to the theme folder only.",
            (),
        ),
        (
            "Restore yesterday's backup",
            "I deleted the uploads folder by mistake. Please restore it.",
            ("backup",),
        ),
    ],
    Category.SECURITY: [
        (
            "Suspicious logins on our mailbox",
            "We see logins from countries we have never been to.",
            ("mail", "abuse"),
        ),
        (
            "Website shows casino ads",
            "Visitors report redirects to a casino site. Hacked?",
            ("malware",),
        ),
        (
            "Phishing page under our domain",
            "Someone reported a fake bank login page on our domain.",
            ("abuse",),
        ),
    ],
    Category.OTHER: [
        (
            "Invoice address change",
            "Please send future invoices to our new office address.",
            ("billing",),
        ),
        (
            "Question about moving to a bigger plan",
            "What would a move to the next VPS size cost?",
            ("billing",),
        ),
    ],
}
"""Per category: what customers write (subject, description) and the tags staff put on it."""
STAFF_REPLIES = [
    "Thanks for the report — we are looking into it now.",
    "We found the cause and applied a fix. Could you check again?",
    "Could you send us the exact time it happened and the URL?",
    "The change is live. Let us know if anything still looks wrong.",
]
CUSTOMER_REPLIES = [
    "Thanks, it works again!",
    "It happened around 09:40, on the checkout page.",
    "Still seeing the problem, unfortunately.",
]
NOTES = [
    "Checked the host: load normal, disk 71% full.",
    "Looks like a compromised WordPress plugin; scanning the account.",
    "Escalated to the datacenter team, ticket DC-4471.",
]
